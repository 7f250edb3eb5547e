package dev.cacheserver.adapters.http.ops;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * Watches the requests of one port: when a response has been written (or its connection closed first) it
 * records the request metrics and writes the access log line. Created only when metrics or the access log
 * are on; callers hold {@code null} otherwise and skip it with one null check.
 */
public final class RequestObserver {
    private static final String API_CACHE_PREFIX = "/api/v1/cache/";
    private static final String NO_CACHE = "-";

    private final boolean apiPort;
    private final String cache;
    private final HttpMetrics metrics;
    private final Map<String, HttpMetrics> metricsByCache;
    private final AccessLog log;

    /** {@code metrics} null: no metrics; {@code metricsByCache} (API port) also knows the {@code -} label. */
    RequestObserver(boolean apiPort, String cache, HttpMetrics metrics, Map<String, HttpMetrics> metricsByCache,
                    AccessLog log) {
        this.apiPort = apiPort;
        this.cache = cache;
        this.metrics = metrics;
        this.metricsByCache = metricsByCache;
        this.log = log;
    }

    /** On a cache's port: call first thing for every request. */
    public void observe(HttpServerRequest request) {
        Observation observation = new Observation(request, System.nanoTime());
        request.response().bodyEndHandler(observation);
        // The response's own close handler belongs to the request handlers (streamed NARs cancel with it).
        request.connection().closeHandler(v -> observation.finish(true));
    }

    /** On server-port (a Vert.x Web router): call from the first route. */
    public void observe(RoutingContext ctx) {
        Observation observation = new Observation(ctx.request(), System.nanoTime());
        ctx.addBodyEndHandler(observation);
        ctx.addEndHandler(result -> {
            if (result.failed()) {
                observation.finish(true);
            }
        });
    }

    /** A request failed with {@code failure}: counts a rejected upload when it was one. */
    public void failed(HttpServerRequest request, Throwable failure) {
        UploadKind kind = uploadKind(request);
        if (kind != null) {
            HttpMetrics m = metricsFor(request.path());
            if (m != null) {
                m.uploadRejected(kind, failure == null ? UploadRejection.reason(request.response().getStatusCode())
                        : UploadRejection.reason(failure));
            }
        }
    }

    /** A router failure (API port): {@code ctx.failure()} or, without one, {@code ctx.statusCode()}. */
    public void failed(RoutingContext ctx) {
        UploadKind kind = uploadKind(ctx.request());
        HttpMetrics m = kind == null ? null : metricsFor(ctx.request().path());
        if (m != null) {
            m.uploadRejected(kind, ctx.failure() != null ? UploadRejection.reason(ctx.failure())
                    : UploadRejection.reason(ctx.statusCode()));
        }
    }

    public void narInfoLocalHit() {
        if (metrics != null) {
            metrics.narInfoLocalHit();
        }
    }

    public void narInfoLocalMiss() {
        if (metrics != null) {
            metrics.narInfoLocalMiss();
        }
    }

    public void narInfoPeerHit() {
        if (metrics != null) {
            metrics.narInfoPeerHit();
        }
    }

    public void narInfoPeerMiss() {
        if (metrics != null) {
            metrics.narInfoPeerMiss();
        }
    }

    private UploadKind uploadKind(HttpServerRequest request) {
        String path = request.path();
        if (apiPort) {
            return path.startsWith(API_CACHE_PREFIX) && path.contains("/multipart-nar/") && path.endsWith("/complete")
                    ? UploadKind.MULTIPART : null;
        }
        HttpRoute route = HttpRoute.ofCachePort(request.method(), path);
        return route == HttpRoute.UPLOAD_NAR ? UploadKind.NAR : route == HttpRoute.UPLOAD_NARINFO ? UploadKind.NARINFO : null;
    }

    private HttpMetrics metricsFor(String path) {
        return apiPort ? metricsByCache.get(apiCache(path)) : metrics;
    }

    /** The cache an API path names, when it is one of ours (a label never comes from arbitrary client text). */
    private String apiCache(String path) {
        if (!path.startsWith(API_CACHE_PREFIX)) {
            return NO_CACHE;
        }
        int end = path.indexOf('/', API_CACHE_PREFIX.length());
        String name = path.substring(API_CACHE_PREFIX.length(), end < 0 ? path.length() : end);
        return metricsByCache.containsKey(name) ? name : NO_CACHE;
    }

    private void record(HttpServerRequest request, long startNanos, boolean aborted) {
        long nanos = System.nanoTime() - startNanos;
        HttpServerResponse response = request.response();
        String path = request.path();
        int status = aborted ? 0 : response.getStatusCode();
        long sent = response.bytesWritten();
        long received = request.bytesRead();
        String cacheLabel = apiPort ? apiCache(path) : cache;
        if (metricsByCache != null || metrics != null) {
            HttpRoute route = apiPort ? HttpRoute.ofApiPort(path) : HttpRoute.ofCachePort(request.method(), path);
            HttpMetrics m = apiPort ? metricsByCache.get(cacheLabel) : metrics;
            if (m != null) {
                m.request(route, status, nanos, sent, received);
                if (!aborted && status >= 200 && status < 300) {
                    UploadKind kind = uploadKind(request);
                    if (kind != null) {
                        m.uploadAccepted(kind);
                    }
                }
            }
        }
        if (log.enabled()) {
            log.write(request.method(), path, aborted ? "aborted" : Integer.toString(status), sent, received, nanos,
                    cacheLabel, request.remoteAddress());
        }
    }

    /** One request in flight; finished once, by whichever comes first: the body end or the connection close. */
    private final class Observation implements Handler<Void> {
        private final HttpServerRequest request;
        private final long startNanos;
        private boolean done;

        Observation(HttpServerRequest request, long startNanos) {
            this.request = request;
            this.startNanos = startNanos;
        }

        @Override
        public void handle(Void ignored) {
            finish(false);
        }

        void finish(boolean closed) {
            if (done) {
                return;
            }
            done = true;
            record(request, startNanos, closed && !request.response().ended());
        }
    }
}
