package dev.cacheserver.adapters.http.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Whitespace before a request line is refused; empty lines are allowed; the bytes are not consumed. */
class RequestLineStartTest {
    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    @Test
    void aSpaceOrTabBeforeTheRequestLineIsCaughtEvenAfterEmptyLines() {
        assertTrue(new RequestLineStart().whitespaceFirst(bytes(" GET / HTTP/1.1\r\n")));
        assertTrue(new RequestLineStart().whitespaceFirst(bytes("\r\n\r\n\tGET / HTTP/1.1\r\n")));
    }

    @Test
    void aRequestLineIsLookedAtOnlyUntilItsFirstByte() {
        RequestLineStart start = new RequestLineStart();
        ByteBuf request = bytes("GET / HTTP/1.1\r\n");

        assertFalse(start.whitespaceFirst(request));
        assertEquals(0, request.readerIndex(), "nothing is consumed");
        assertFalse(start.whitespaceFirst(bytes(" header continuation")), "inside a request: not the start");
        start.nextRequest();
        assertTrue(start.whitespaceFirst(bytes(" GET /next HTTP/1.1\r\n")));
    }

    @Test
    void emptyLinesAloneLeaveTheStartOpen() {
        RequestLineStart start = new RequestLineStart();

        assertFalse(start.whitespaceFirst(bytes("\r\n")));
        assertTrue(start.whitespaceFirst(bytes(" GET / HTTP/1.1\r\n")), "the request line has not begun yet");
    }
}
