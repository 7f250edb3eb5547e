package dev.cacheserver.domain.error;

/** No storage can take the NAR (every candidate is full). */
public final class StorageFullException extends CacheServerException {
    public StorageFullException(String message) {
        super(message);
    }

    public StorageFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
