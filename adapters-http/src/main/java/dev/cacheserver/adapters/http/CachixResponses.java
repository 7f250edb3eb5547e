package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.Caller;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the Cachix routes answer. Every success is exactly 200 (servant-client accepts nothing else), every JSON
 * answer says {@code Content-Type: application/json}; failures are {@code {"error": message}} through
 * {@link HttpErrors}, 401 with {@code WWW-Authenticate}, 503 and 429 with {@code Retry-After}.
 */
final class CachixResponses {
    static final String JSON = "application/json; charset=utf-8";
    private static final Logger LOG = LoggerFactory.getLogger(CachixResponses.class);
    private static final ErrorResponse ERRORS = ErrorResponse.json(2, "Bearer realm=\"cache-server\"");
    private final Context context;

    CachixResponses(Context context) {
        this.context = context;
    }

    /** Runs {@code onSuccess} on the verticle's context with the result, or fails the request. */
    <T> void reply(RoutingContext ctx, CompletionStage<T> stage, Consumer<T> onSuccess) {
        Future.fromCompletionStage(stage, context).onComplete(result -> {
            if (result.failed()) {
                ctx.fail(result.cause());
                return;
            }
            try {
                onSuccess.accept(result.result());
            } catch (RuntimeException e) {
                ctx.fail(e);
            }
        });
    }

    static void json(RoutingContext ctx, Buffer body) {
        ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(body);
    }

    /** The "NoContent" endpoints: servant wants exactly 200 and ignores the body. */
    static void empty(RoutingContext ctx) {
        ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                .putHeader(HttpHeaders.CONTENT_LENGTH, "0").end();
    }

    static void error(RoutingContext ctx, HttpErrors.Answer answer) {
        if (!ctx.response().headWritten() && answer.status() >= 400 && answer.status() < 500
                && answer.status() != 401 && answer.status() != 404) {
            LOG.info("{} {}: {} {}", ctx.request().method(), ctx.request().path(), answer.status(), answer.message());
        }
        ERRORS.write(ctx.request(), answer);
    }

    static String name(RoutingContext ctx) {
        return ctx.pathParam("name");
    }

    /** The token the request presented; {@code Bearer } with an empty token is anonymous. */
    static Caller caller(RoutingContext ctx) {
        return new Caller(Credentials.token(ctx.request().getHeader(HttpHeaders.AUTHORIZATION)));
    }
}
