package dev.cacheserver.adapters.http.guard;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * The guard's own answers: short text, then close. Written as bytes in front of the HTTP codec (Vert.x's encoder
 * takes only its own response objects), and only where no answer of Vert.x is due, so they never interleave.
 */
final class GuardResponses {
    private GuardResponses() {
    }

    static ByteBuf closing(int status, String message) {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + HttpResponseStatus.valueOf(status).reasonPhrase() + "\r\n"
                + "content-type: text/plain; charset=utf-8\r\n"
                + "content-length: " + body.length + "\r\n"
                + (status == 503 ? "retry-after: 5\r\n" : "")
                + "connection: close\r\n\r\n";
        return Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body);
    }

    /** The text of a 400 for broken chunk framing, from Netty's message (which quotes the offending bytes). */
    static String chunkError(Throwable cause) {
        String message = cause == null ? null : cause.getMessage();
        if (message == null || message.isBlank()) {
            return "malformed chunked body: bad chunk size";
        }
        String printable = message.replaceAll("[^\\x20-\\x7e]", "?");
        return "malformed chunked body: " + (printable.length() > 80 ? printable.substring(0, 80) : printable);
    }
}
