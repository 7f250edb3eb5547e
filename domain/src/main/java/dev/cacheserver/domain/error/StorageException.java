package dev.cacheserver.domain.error;

/** An internal I/O or database failure; its message is for logs only, never for clients. */
public final class StorageException extends CacheServerException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
