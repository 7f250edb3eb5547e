package dev.cacheserver.adapters.httpclient;

import dev.cacheserver.domain.error.UpstreamFailedException;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfoText;
import dev.cacheserver.domain.port.UpstreamClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.net.ssl.SSLException;

/**
 * Talks to upstream binary caches over HTTP(S): narinfos and nix-cache-info (small, bounded, read whole) for
 * {@link UpstreamClient}, and NAR responses handed over paused so the caller streams them with back-pressure.
 * Every request has a connect timeout and an idle timeout ({@code timeout}): an upstream that accepts and never
 * answers costs at most that, never a hung client. A NAR stream is cut only after {@link #NAR_IDLE_TIMEOUT} without
 * progress, since a slow client legitimately pauses it (back-pressure stops reading from the upstream).
 */
public final class HttpUpstreamClient implements UpstreamClient {
    static final Duration NAR_IDLE_TIMEOUT = Duration.ofSeconds(60);

    private final Vertx vertx;
    private final HttpClient client;
    private final ExchangeContext exchanges;
    private final Duration timeout;
    /** Upstreams (by origin) that trust their own certificates instead of the JVM's trust store. */
    private final ConcurrentHashMap<String, TrustedClient> ownTrust = new ConcurrentHashMap<>();

    private record TrustedClient(Path caFile, HttpClient client) {
    }

    public HttpUpstreamClient(Vertx vertx, Duration timeout) {
        this.vertx = vertx;
        this.timeout = timeout;
        this.client = vertx.createHttpClient(options(), new PoolOptions().setHttp1MaxSize(32));
        this.exchanges = new ExchangeContext(vertx);
    }

    /** HTTPS, host name checked; certificates from the JVM's trust store unless {@link #trust} says otherwise. */
    private HttpClientOptions options() {
        return new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setVerifyHost(true)
                .setConnectTimeout((int) timeout.toMillis());
    }

    /**
     * Requests to {@code upstream}'s scheme, host and port (its narinfos and NARs, which stay on that origin) trust
     * the PEM certificates in {@code caFile} instead of the JVM's trust store. The host name is still checked.
     */
    public void trust(URI upstream, Path caFile) {
        ownTrust.compute(origin(upstream), (origin, known) -> {
            if (known != null && known.caFile().equals(caFile)) {
                return known;
            }
            HttpClient trusting = vertx.createHttpClient(options().setTrustOptions(new PemTrustOptions()
                    .addCertPath(caFile.toString())), new PoolOptions().setHttp1MaxSize(8));
            if (known != null) {
                known.client().close();
            }
            return new TrustedClient(caFile, trusting);
        });
    }

    private HttpClient clientFor(URI url) {
        TrustedClient trusted = ownTrust.get(origin(url));
        return trusted == null ? client : trusted.client();
    }

    private static String origin(URI url) {
        String scheme = String.valueOf(url.getScheme()).toLowerCase(Locale.ROOT);
        int port = url.getPort() != -1 ? url.getPort() : "https".equals(scheme) ? 443 : 80;
        return scheme + "://" + String.valueOf(url.getHost()).toLowerCase(Locale.ROOT) + ":" + port;
    }

    @Override
    public CompletionStage<Optional<String>> fetchNarInfo(URI upstream, StorePathHash hash) {
        return small(URI.create(upstream + "/" + hash.value() + ".narinfo"), true).toCompletionStage();
    }

    @Override
    public CompletionStage<String> fetchCacheInfo(URI upstream) {
        URI url = URI.create(upstream + "/nix-cache-info");
        return small(url, false).compose(text -> text.isPresent() ? Future.succeededFuture(text.get())
                : Future.<String>failedFuture(new UpstreamFailedException("upstream " + upstream
                        + " has no nix-cache-info: it is not a Nix binary cache", false))).toCompletionStage();
    }

    /** Opens a GET of a NAR; the response is paused: the caller pipes it (which resumes it) or ends it. */
    public Future<HttpClientResponse> open(URI url) {
        Duration idle = timeout.compareTo(NAR_IDLE_TIMEOUT) > 0 ? timeout : NAR_IDLE_TIMEOUT;
        return exchange(url, idle, response -> {
            if (response.statusCode() != 200) {
                return response.end().transform(v -> Future.failedFuture(new UpstreamFailedException(
                        "upstream answered " + response.statusCode() + " for " + url.getPath(), false)));
            }
            response.pause();
            return Future.succeededFuture(response);
        }).recover(HttpUpstreamClient::asUpstreamFailure);
    }

    private Future<Optional<String>> small(URI url, boolean missingIsEmpty) {
        return exchange(url, timeout, response -> {
            int status = response.statusCode();
            // S3 answers 403 for a missing key when listing is not allowed; Nix treats both as "not there".
            if (status == 404 || status == 403) {
                return response.end().map(v -> Optional.<String>empty());
            }
            if (status != 200) {
                return response.end().transform(v -> Future.failedFuture(new UpstreamFailedException(
                        "upstream " + url.getHost() + " answered " + status + " for " + url.getPath(), false)));
            }
            return BoundedBody.read(response, () -> new UpstreamFailedException("upstream narinfo exceeds "
                            + NarInfoText.MAX_BYTES + " bytes", false))
                    .map(body -> Optional.of(body.toString(StandardCharsets.UTF_8)));
        }).recover(HttpUpstreamClient::asUpstreamFailure);
    }

    /** A GET of {@code url} whose response {@code handle} reads, on an event-loop context ({@link ExchangeContext}). */
    private <T> Future<T> exchange(URI url, Duration idleTimeout, Function<HttpClientResponse, Future<T>> handle) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url.toString())
                .setFollowRedirects(true).setConnectTimeout(timeout.toMillis()).setIdleTimeout(idleTimeout.toMillis());
        return exchanges.run(() -> clientFor(url).request(options).compose(request -> request.send()).compose(handle));
    }

    private static <T> Future<T> asUpstreamFailure(Throwable e) {
        if (e instanceof UpstreamFailedException) {
            return Future.failedFuture(e);
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return Future.failedFuture(new UpstreamFailedException("upstream's TLS certificate refused (not "
                        + "trusted, or not for this host name; see ca-file): " + cause.getMessage(), false));
            }
        }
        boolean timedOut = e instanceof TimeoutException
                || String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("timeout")
                || String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("timed out");
        return Future.failedFuture(new UpstreamFailedException((timedOut ? "upstream timed out: " : "upstream unreachable: ")
                + e.getMessage(), timedOut));
    }

    public Future<Void> close() {
        ownTrust.values().forEach(trusted -> trusted.client().close());
        return client.close();
    }
}
