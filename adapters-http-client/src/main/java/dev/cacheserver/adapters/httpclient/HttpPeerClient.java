package dev.cacheserver.adapters.httpclient;

import dev.cacheserver.domain.error.UnavailableException;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfoText;
import dev.cacheserver.domain.port.PeerClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Talks to other cache nodes over HTTP: narinfos (small, bounded, read whole) for {@link PeerClient}, and NAR
 * responses handed over unread so the caller streams them with back-pressure. Every request has a connect and
 * an idle timeout, so a dead or stalled peer costs at most those, never a hung request.
 */
public final class HttpPeerClient implements PeerClient {
    private final HttpClient client;
    private final ExchangeContext exchanges;
    private final Duration connectTimeout;
    private final Duration narInfoTimeout;
    private final Duration narIdleTimeout;

    /**
     * {@code narInfoTimeout} bounds a narinfo answer with no progress (it is on a client's miss path);
     * {@code narIdleTimeout} only cuts a NAR stream that stalls, since a slow client legitimately pauses it.
     */
    public HttpPeerClient(Vertx vertx, Duration connectTimeout, Duration narInfoTimeout, Duration narIdleTimeout) {
        this.connectTimeout = connectTimeout;
        this.narInfoTimeout = narInfoTimeout;
        this.narIdleTimeout = narIdleTimeout;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setConnectTimeout((int) connectTimeout.toMillis()), new PoolOptions().setHttp1MaxSize(32));
        this.exchanges = new ExchangeContext(vertx);
    }

    @Override
    public CompletionStage<Optional<String>> fetchNarInfo(URI cacheUrl, StorePathHash hash) {
        URI url = URI.create(trimmed(cacheUrl) + "/" + hash.value() + ".narinfo");
        return exchange(url, narInfoTimeout, response -> {
            if (response.statusCode() == 404) {
                return response.end().map(v -> Optional.<String>empty());
            }
            if (response.statusCode() != 200) {
                return response.end().transform(v -> Future.failedFuture(
                        new UnavailableException("peer " + cacheUrl + " answered " + response.statusCode())));
            }
            return BoundedBody.read(response, () -> new UnavailableException("peer narinfo exceeds "
                            + NarInfoText.MAX_BYTES + " bytes"))
                    .map(body -> Optional.of(body.toString(StandardCharsets.UTF_8)));
        }).recover(e -> Future.failedFuture(e instanceof UnavailableException ? e
                : new UnavailableException("peer " + cacheUrl + " unreachable: " + e.getMessage(), e)))
                .toCompletionStage();
    }

    /** Opens a GET of {@code url}; the response is paused: the caller pipes it (which resumes it) or ends it. */
    public Future<HttpClientResponse> open(URI url) {
        return exchange(url, narIdleTimeout, response -> {
            response.pause();
            return Future.succeededFuture(response);
        });
    }

    /** A GET of {@code url} whose response {@code handle} reads, on an event-loop context ({@link ExchangeContext}). */
    private <T> Future<T> exchange(URI url, Duration idleTimeout, Function<HttpClientResponse, Future<T>> handle) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url.toString())
                .setConnectTimeout(connectTimeout.toMillis()).setIdleTimeout(idleTimeout.toMillis());
        return exchanges.run(() -> client.request(options).compose(request -> request.send()).compose(handle));
    }

    private static String trimmed(URI url) {
        String text = url.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    public Future<Void> close() {
        return client.close();
    }
}
