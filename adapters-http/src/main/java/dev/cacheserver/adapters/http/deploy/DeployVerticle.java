package dev.cacheserver.adapters.http.deploy;

import dev.cacheserver.application.deploy.DeployAccess;
import dev.cacheserver.application.deploy.DeployService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Clock;

/**
 * Cachix Deploy on {@code deploy-port}: the agent, deployment and log websockets and the deploy REST calls.
 * Deploy one instance (the sockets' state lives in {@link DeployService}, which is shared anyway). Stopping
 * closes every socket with 1012 so agents reconnect to the next server, then waits until everything the
 * agents reported is stored.
 */
public final class DeployVerticle extends VerticleBase {
    private final DeployService service;
    private final DeployAccess access;
    private final String host;
    private final int port;
    private DeploySockets sockets;
    private HttpServer server;

    public DeployVerticle(DeployService service, DeployAccess access, String host, int port) {
        this.service = service;
        this.access = access;
        this.host = host;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        sockets = new DeploySockets(service, access, Clock.systemUTC());
        Router router = Router.router(vertx);
        router.get("/ws").handler(sockets::agent);
        router.get("/ws-deployment").handler(sockets::deployment);
        router.get("/api/v1/deploy/log/:id").handler(sockets::log);
        new DeployRoutes(service, access).mount(router);
        HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port).setReuseAddress(true)
                .setTcpNoDelay(true).setIdleTimeout(0)
                // cachix never offers permessage-deflate; plain frames keep the wire as the spec describes it.
                .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)
                .setMaxWebSocketFrameSize(1 << 20).setMaxWebSocketMessageSize(4 << 20);
        server = vertx.createHttpServer(options).requestHandler(router);
        return server.listen();
    }

    @Override
    public Future<?> stop() {
        Future<Void> closed = sockets == null ? Future.succeededFuture() : sockets.closeAll();
        return closed.transform(v -> Future.fromCompletionStage(service.drain(), context))
                .transform(v -> server == null ? Future.succeededFuture() : server.close());
    }
}
