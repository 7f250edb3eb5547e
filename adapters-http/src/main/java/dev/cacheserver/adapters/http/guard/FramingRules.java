package dev.cacheserver.adapters.http.guard;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/**
 * The request-head checks Netty's decoder leaves to us, as nginx does them (RFC 9112 sections 2.3 and 6.1): only
 * HTTP/1.0 and 1.1; no Content-Length together with Transfer-Encoding; the only transfer coding is a single
 * {@code chunked}, and only in HTTP/1.1; one Content-Length; one Host (none allowed in HTTP/1.0).
 */
final class FramingRules {
    private FramingRules() {
    }

    /** The violation in {@code request}'s head, or null when it may be served. */
    static FramingViolation check(HttpRequest request) {
        HttpVersion version = request.protocolVersion();
        if (!version.equals(HttpVersion.HTTP_1_1) && !version.equals(HttpVersion.HTTP_1_0)) {
            return new FramingViolation(505, "HTTP version not supported (HTTP/1.1 only)");
        }
        String target = request.uri();
        for (int i = 0; i < target.length(); i++) {
            char ch = target.charAt(i);
            if (ch <= ' ' || ch >= 0x7f) {
                return new FramingViolation(400, "control characters or spaces in the request target");
            }
        }
        HttpHeaders headers = request.headers();
        List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        List<String> lengths = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (!codings.isEmpty() && !lengths.isEmpty()) {
            return new FramingViolation(400, "Content-Length and Transfer-Encoding together are not allowed");
        }
        if (!codings.isEmpty()) {
            if (codings.size() != 1 || !codings.get(0).strip().equalsIgnoreCase("chunked")) {
                return new FramingViolation(501, "unsupported Transfer-Encoding (only a single \"chunked\" is)");
            }
            if (version.equals(HttpVersion.HTTP_1_0)) {
                return new FramingViolation(400, "Transfer-Encoding is not allowed in HTTP/1.0");
            }
        }
        if (lengths.size() > 1) {
            return new FramingViolation(400, "more than one Content-Length");
        }
        int hosts = headers.getAll(HttpHeaderNames.HOST).size();
        if (hosts > 1 || (hosts == 0 && version.equals(HttpVersion.HTTP_1_1))) {
            // RFC 9112 section 3.2: exactly one Host in HTTP/1.1.
            return new FramingViolation(400, "an HTTP/1.1 request needs exactly one Host header");
        }
        return null;
    }

    /** The head alone, for Vert.x: it would take a full request's content as a body that never ends. */
    static HttpRequest headOnly(HttpRequest request) {
        DefaultHttpRequest head = new DefaultHttpRequest(request.protocolVersion(), request.method(), request.uri(),
                request.headers());
        head.setDecoderResult(request.decoderResult());
        return head;
    }

    /**
     * Hands a refused head on to Vert.x, whose invalid-request handler answers it and closes: marked failed with
     * {@code violation} (when the decoder did not fail it already), HTTP/1.1 with Connection: close, head only.
     */
    static void passRefused(ChannelHandlerContext ctx, HttpRequest request, FramingViolation violation) {
        if (violation != null) {
            request.setDecoderResult(DecoderResult.failure(violation));
        }
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        HttpRequest head = headOnly(request);
        ReferenceCountUtil.release(request);
        ctx.fireChannelRead(head);
        ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
    }
}
