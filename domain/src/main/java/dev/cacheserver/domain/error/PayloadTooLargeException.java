package dev.cacheserver.domain.error;

/** A request body larger than the server accepts for that request. */
public final class PayloadTooLargeException extends CacheServerException {
    public PayloadTooLargeException(String message) {
        super(message);
    }

    public PayloadTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
