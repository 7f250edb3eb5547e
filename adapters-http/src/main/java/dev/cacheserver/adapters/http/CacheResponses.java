package dev.cacheserver.adapters.http;

import dev.cacheserver.adapters.http.ops.RequestObserver;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.domain.model.CacheName;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every route of one cache port shares: answering (a body with its type and length, nothing for HEAD), failing
 * through the one {@link ErrorResponse} of the port, the caller of a request, and futures back on the verticle's
 * context. One per verticle instance; used on its event loop only.
 */
final class CacheResponses {
    private static final Logger LOG = LoggerFactory.getLogger(CacheResponses.class);
    static final CharSequence TEXT_TYPE = HttpHeaders.createOptimized("text/plain; charset=utf-8");
    /** The delay Nix is told to wait before it retries a 502, 503 or 504 of a cache port. */
    static final long RETRY_AFTER_SECONDS = 5;

    private final CacheName cache;
    private final Context context;
    /** Null when neither metrics nor the access log are on. */
    private final RequestObserver observer;
    private final ErrorResponse errors;

    CacheResponses(CacheName cache, Context context, RequestObserver observer) {
        this.cache = cache;
        this.context = context;
        this.observer = observer;
        this.errors = ErrorResponse.text(RETRY_AFTER_SECONDS, "Basic realm=\"cache-server " + cache + "\"");
    }

    CacheName cache() {
        return cache;
    }

    /** Null when neither metrics nor the access log are on. */
    RequestObserver observer() {
        return observer;
    }

    static Caller caller(HttpServerRequest request) {
        return Caller.withToken(Credentials.token(request.getHeader(HttpHeaders.AUTHORIZATION)).orElse(null));
    }

    <T> Future<T> future(CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, context);
    }

    Context context() {
        return context;
    }

    /** Answers {@code status} with {@code body} of {@code type}; a HEAD request gets the headers only. */
    static void send(HttpServerRequest request, int status, CharSequence type, Buffer body) {
        HttpServerResponse response = request.response();
        response.setStatusCode(status);
        MultiMap headers = response.headers();
        headers.set(HttpHeaders.CONTENT_TYPE, type);
        headers.set(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()));
        if (request.method() == HttpMethod.HEAD) {
            response.end();
        } else {
            response.end(body);
        }
    }

    static void text(HttpServerRequest request, int status, String body) {
        send(request, status, TEXT_TYPE, Buffer.buffer(body));
    }

    /** 200 with an empty body: what an accepted upload gets. */
    static void ok(HttpServerRequest request) {
        send(request, 200, TEXT_TYPE, Buffer.buffer());
    }

    static void methodNotAllowed(HttpServerRequest request, String allow) {
        request.response().putHeader(HttpHeaders.ALLOW, allow);
        text(request, 405, "method not allowed\n");
    }

    /** Answers a failure, unless the client is gone: then there is nobody to answer, and it is no server error. */
    void fail(HttpServerRequest request, Throwable failure) {
        if (ClientGone.is(request, failure)) {
            LOG.info("cache {}: {} {}: the client went away: {}", cache, request.method(), request.path(),
                    failure.toString());
            return;
        }
        if (observer != null) {
            observer.failed(request, failure);
        }
        errors.write(request, failure);
    }
}
