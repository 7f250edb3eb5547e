package dev.cacheserver.adapters.http;

import dev.cacheserver.adapters.http.guard.HttpGuard;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * Serves one cache's Nix binary-cache protocol on its own port. Deployed with several instances, which
 * share the port across event loops. Options follow what Nix needs: TCP_NODELAY, a deep accept backlog
 * (Nix opens up to 25 connections at once), keep-alive, no automatic 100-continue (we answer it only after
 * the request is authorised).
 */
public final class BinaryCacheVerticle extends VerticleBase {
    /**
     * How long stopping waits for requests in flight (uploads included) before closing their connections; the
     * system property {@code cache-server.shutdown-grace-seconds} changes it.
     */
    public static final long SHUTDOWN_GRACE_SECONDS = Long.getLong("cache-server.shutdown-grace-seconds", 30);
    static final int UPLOAD_CHUNK_BYTES = 64 * 1024;
    private final BinaryCacheEndpoint endpoint;
    private final ConnectionLimits limits;
    private HttpServer server;

    public BinaryCacheVerticle(BinaryCacheEndpoint endpoint) {
        this(endpoint, ConnectionLimits.DEFAULTS);
    }

    public BinaryCacheVerticle(BinaryCacheEndpoint endpoint, ConnectionLimits limits) {
        this.endpoint = endpoint;
        this.limits = limits;
    }

    public static HttpServerOptions serverOptions(String host, int port) {
        return new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setTcpNoDelay(true)
                .setAcceptBacklog(1024)
                .setReuseAddress(true)
                .setCompressionSupported(false)
                .setHandle100ContinueAutomatically(false)
                .setIdleTimeout(300)
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(16384)
                // Upload bodies arrive in chunks of this size: Netty's default (8 KiB) meant four times as many
                // digest updates and file writes for every NAR.
                .setMaxChunkSize(UPLOAD_CHUNK_BYTES)
                // HTTP/1.1 only (Nix and cachix speak it over plain HTTP): the body of an h2c upgrade request is
                // read outside HTTP/2 flow control, so pausing it would not stop it and a large NAR would pile up
                // in memory.
                .setHttp2ClearTextEnabled(false);
    }

    @Override
    public Future<?> start() {
        BinaryCacheRouter handler = new BinaryCacheRouter(endpoint, context);
        HttpServerOptions options = serverOptions(endpoint.host(), endpoint.port());
        server = HttpGuard.install(vertx, vertx.createHttpServer(options), options, limits).requestHandler(handler);
        return server.listen();
    }

    /** The port listened on once started (the configured one, or the one the system chose for port 0). */
    int actualPort() {
        return server.actualPort();
    }

    @Override
    public Future<?> stop() {
        // Stops accepting at once; requests in flight get the grace period, then their connections close.
        return server == null ? Future.succeededFuture()
                : server.shutdown(SHUTDOWN_GRACE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    }
}
