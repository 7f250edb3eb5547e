package dev.cacheserver.domain.error;

/** The request conflicts with the current state (e.g. an upload that was already completed). */
public final class ConflictException extends CacheServerException {
    public ConflictException(String message) {
        super(message);
    }

    public ConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
