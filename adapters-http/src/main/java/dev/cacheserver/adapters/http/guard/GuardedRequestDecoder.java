package dev.cacheserver.adapters.http.guard;

import io.netty.handler.codec.http.HttpMessage;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;

/**
 * Vert.x's request decoder, telling the {@link ConnectionWatch} when a head carries both Content-Length and chunked
 * Transfer-Encoding: Netty removes the Content-Length (RFC 9112 allows that) before anyone else sees the head, and
 * the guard refuses such requests, as nginx does. {@code VertxHttpRequestDecoder} is Vert.x internal API (as is
 * {@code ConnectionBase} in {@link HttpGuard}): check both when Vert.x is upgraded; the hostile-input suite fails
 * if the smuggling case is no longer caught.
 */
final class GuardedRequestDecoder extends VertxHttpRequestDecoder {
    private final ConnectionWatch watch;

    GuardedRequestDecoder(HttpServerOptions options, ConnectionWatch watch) {
        super(options);
        this.watch = watch;
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        watch.contentLengthWithChunked();
        super.handleTransferEncodingChunkedWithContentLength(message);
    }
}
