package dev.cacheserver.adapters.http.guard;

/**
 * A request whose framing cannot be trusted (RFC 9112 section 6): answered with {@code status} and a short text,
 * and its connection closed, because where its body ends, and so where the next request starts, is unknown.
 */
final class FramingViolation extends RuntimeException {
    private final int status;

    FramingViolation(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
