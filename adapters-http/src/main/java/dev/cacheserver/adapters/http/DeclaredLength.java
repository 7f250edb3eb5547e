package dev.cacheserver.adapters.http;

import dev.cacheserver.domain.error.InvalidInputException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/** The body size a request declares, read once the same way by every upload route. */
final class DeclaredLength {
    private DeclaredLength() {
    }

    /** The Content-Length, or -1 when the body is chunked; a value that is not a number is a 400. */
    static long of(HttpServerRequest request) {
        String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("Content-Length is not a number");
        }
    }
}
