package dev.cacheserver.domain.error;

/** A dependency is temporarily unavailable; the client may retry later. */
public final class UnavailableException extends CacheServerException {
    public UnavailableException(String message) {
        super(message);
    }

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
