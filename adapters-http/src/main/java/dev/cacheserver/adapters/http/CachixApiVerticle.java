package dev.cacheserver.adapters.http;

import dev.cacheserver.adapters.http.guard.HttpGuard;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.function.Consumer;

/**
 * Serves the Cachix REST API ({@code /api/v1/...}, see specs/cachix-api.md) on {@code server-port}. Part
 * uploads do not come here: their URLs point at each cache's own port.
 */
public final class CachixApiVerticle extends VerticleBase {
    private final CachixApi api;
    private final Consumer<Router> extraRoutes;
    private final ConnectionLimits limits;
    private HttpServer server;

    public CachixApiVerticle(CachixApi api) {
        this(api, router -> { });
    }

    /** {@code extraRoutes} mounts more REST routes on the same port (Cachix Deploy, operations). */
    public CachixApiVerticle(CachixApi api, Consumer<Router> extraRoutes) {
        this(api, extraRoutes, ConnectionLimits.DEFAULTS);
    }

    public CachixApiVerticle(CachixApi api, Consumer<Router> extraRoutes, ConnectionLimits limits) {
        this.api = api;
        this.extraRoutes = extraRoutes;
        this.limits = limits;
    }

    @Override
    public Future<?> start() {
        Router router = new CachixApiRoutes(api, vertx, context).router();
        extraRoutes.accept(router);
        HttpServerOptions options = BinaryCacheVerticle.serverOptions(api.host(), api.port());
        server = HttpGuard.install(vertx, vertx.createHttpServer(options), options, limits).requestHandler(router);
        return server.listen();
    }

    @Override
    public Future<?> stop() {
        // Like the cache ports: an upload being completed gets the grace period before its connection closes.
        return server == null ? Future.succeededFuture()
                : server.shutdown(BinaryCacheVerticle.SHUTDOWN_GRACE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    }
}
