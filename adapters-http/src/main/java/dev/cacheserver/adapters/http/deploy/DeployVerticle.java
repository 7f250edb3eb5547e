package dev.cacheserver.adapters.http.deploy;

import dev.cacheserver.adapters.http.ClientGone;
import dev.cacheserver.adapters.http.ConnectionLimits;
import dev.cacheserver.adapters.http.UnreadBody;
import dev.cacheserver.adapters.http.guard.HttpGuard;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.PayloadTooLargeException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Clock;

/**
 * Cachix Deploy on {@code deploy-port}: the agent, deployment and log websockets and the deploy REST calls.
 * Deploy one instance (the sockets' state lives behind the use cases, which are shared anyway). Stopping
 * closes every socket with 1012 so agents reconnect to the next server, then waits until everything the
 * agents reported is stored.
 */
public final class DeployVerticle extends VerticleBase {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DeployVerticle.class);
    private final DeployApi api;
    private final String host;
    private final int port;
    private final ConnectionLimits limits;
    private DeploySockets sockets;
    private HttpServer server;

    public DeployVerticle(DeployApi api, String host, int port) {
        this(api, host, port, ConnectionLimits.DEFAULTS);
    }

    public DeployVerticle(DeployApi api, String host, int port, ConnectionLimits limits) {
        this.limits = limits;
        this.api = api;
        this.host = host;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        sockets = new DeploySockets(api, Clock.systemUTC());
        Router router = Router.router(vertx);
        router.get("/ws").handler(sockets::agent);
        router.get("/ws-deployment").handler(sockets::deployment);
        router.get("/api/v1/deploy/log/:id").handler(sockets::log);
        api.routes().mount(router);
        router.route().failureHandler(DeployVerticle::failure);
        HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port).setReuseAddress(true)
                .setTcpNoDelay(true).setIdleTimeout(0).setHttp2ClearTextEnabled(false)
                // cachix never offers permessage-deflate; plain frames keep the wire as the spec describes it.
                .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)
                .setMaxWebSocketFrameSize(1 << 20).setMaxWebSocketMessageSize(4 << 20);
        server = HttpGuard.install(vertx, vertx.createHttpServer(options), options, limits).requestHandler(router);
        return server.listen();
    }

    /** Body failures (too large, the client gone) of the deploy REST calls. */
    private static void failure(io.vertx.ext.web.RoutingContext ctx) {
        Throwable cause = ctx.failure();
        if (cause != null && ClientGone.is(ctx.request(), cause)) {
            LOG.info("{} {}: the client went away: {}", ctx.request().method(), ctx.request().path(), cause.toString());
            return;
        }
        UnreadBody.closeAfterAnswer(ctx.request());
        DeployRoutes.fail(ctx.request(), cause != null ? cause
                : ctx.statusCode() == 413 ? new PayloadTooLargeException("the body is too large")
                : new InvalidInputException("bad request"));
    }

    @Override
    public Future<?> stop() {
        Future<Void> closed = sockets == null ? Future.succeededFuture() : sockets.closeAll();
        return closed.transform(v -> Future.fromCompletionStage(api.reports().drain(), context))
                .transform(v -> server == null ? Future.succeededFuture() : server.close());
    }
}
