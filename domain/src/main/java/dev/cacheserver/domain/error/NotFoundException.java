package dev.cacheserver.domain.error;

/** The named cache, path, NAR or upload does not exist. */
public final class NotFoundException extends CacheServerException {
    public NotFoundException(String message) {
        super(message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
