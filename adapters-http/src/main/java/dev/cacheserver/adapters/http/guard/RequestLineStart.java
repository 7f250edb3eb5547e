package dev.cacheserver.adapters.http.guard;

import io.netty.buffer.ByteBuf;

/**
 * Looks at the first bytes of each request for whitespace before the request line: Netty would skip it, but
 * RFC 9112 section 2.2 allows only empty lines there. Reads without consuming. Event loop only.
 */
final class RequestLineStart {
    /** The next byte read begins a request. */
    private boolean atRequestStart = true;

    /** True when {@code buffer} starts the request with a space or tab (after any empty lines). */
    boolean whitespaceFirst(ByteBuf buffer) {
        if (!atRequestStart) {
            return false;
        }
        for (int i = buffer.readerIndex(); i < buffer.writerIndex(); i++) {
            byte b = buffer.getByte(i);
            if (b == ' ' || b == '\t') {
                return true;
            }
            if (b != '\r' && b != '\n') {
                atRequestStart = false;
                return false;
            }
        }
        return false;
    }

    /** The request ended: the next bytes begin another. */
    void nextRequest() {
        atRequestStart = true;
    }
}
