package dev.cacheserver.adapters.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * nginx's {@code tcp_nopush} for one response: the socket is corked while the head and the file go out and
 * uncorked when the response is complete, so the kernel sends full segments (measured: nginx without it serves
 * NARs to one client about 9% slower). Only with the native epoll transport; elsewhere it does nothing. Event loop
 * only.
 */
final class TcpCork {
    // Looked up by name: the epoll classes register the option when the native transport is loaded.
    private static final String EPOLL_TCP_CORK = "io.netty.channel.epoll.EpollChannelOption#TCP_CORK";

    private TcpCork() {
    }

    /** Corks the request's socket; returns the channel to {@link #uncork}, or null when corking is not possible. */
    static Channel cork(HttpServerRequest request) {
        if (!ChannelOption.exists(EPOLL_TCP_CORK) || !(request.connection() instanceof ConnectionBase connection)) {
            return null;
        }
        Channel channel = connection.channel();
        try {
            return channel.config().setOption(option(), true) ? channel : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    static void uncork(Channel channel) {
        if (channel != null && channel.isOpen()) {
            try {
                channel.config().setOption(option(), false);
            } catch (RuntimeException e) {
                // The connection is closing; nothing is left to send.
            }
        }
    }

    private static ChannelOption<Boolean> option() {
        return ChannelOption.<Boolean>valueOf(EPOLL_TCP_CORK);
    }
}
