package dev.cacheserver.domain.error;

/** Valid credentials that do not grant the requested operation on this cache. */
public final class PermissionDeniedException extends CacheServerException {
    public PermissionDeniedException(String message) {
        super(message);
    }

    public PermissionDeniedException(String message, Throwable cause) {
        super(message, cause);
    }
}
