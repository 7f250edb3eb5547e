package dev.cacheserver.adapters.http.guard;

import dev.cacheserver.adapters.http.ConnectionLimits;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.impl.ConnectionBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one guard every HTTP port of the server installs (cache ports, the Cachix API port, the deploy port): request
 * framing rules against smuggling, short text answers to malformed requests, the header deadline, the minimum body
 * rate and the cap on open connections of {@link ConnectionLimits}.
 */
public final class HttpGuard {
    private static final Logger LOG = LoggerFactory.getLogger(HttpGuard.class);
    private static final String COUNTERS = "cache-server.open-connections";

    private HttpGuard() {
    }

    /** Guards {@code server}, created with {@code options}; call before {@code listen}. */
    public static HttpServer install(Vertx vertx, HttpServer server, HttpServerOptions options, ConnectionLimits limits) {
        int port = options.getPort();
        OpenConnections open = counter(vertx, port);
        return server.invalidRequestHandler(new InvalidRequestAnswer())
                .connectionHandler(connection -> guard(connection, open, options, limits, port));
    }

    private static void guard(HttpConnection connection, OpenConnections open, HttpServerOptions options,
                              ConnectionLimits limits, int port) {
        if (!(connection instanceof ConnectionBase base)) {
            return;
        }
        Channel channel = base.channel();
        ChannelPipeline pipeline = channel.pipeline();
        ConnectionWatch watch = pipeline.get("httpDecoder") != null && pipeline.get("handler") != null
                ? ConnectionWatch.install(pipeline, options, limits) : null;
        if (!open.tryOpen(limits.maxConnections())) {
            if (open.timeToWarn()) {
                LOG.warn("port {}: {} connections open (server.max-connections), refusing new ones with 503 (e.g. {})",
                        port, limits.maxConnections(), channel.remoteAddress());
            }
            if (watch != null) {
                watch.refuseNow(503, "too many connections, try again later");
            } else {
                channel.close();
            }
            return;
        }
        channel.closeFuture().addListener(f -> open.closed());
    }

    private static OpenConnections counter(Vertx vertx, int port) {
        return vertx.sharedData().<Integer, OpenConnections>getLocalMap(COUNTERS)
                .computeIfAbsent(port, p -> new OpenConnections());
    }
}
