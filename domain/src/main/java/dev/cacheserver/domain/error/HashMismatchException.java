package dev.cacheserver.domain.error;

/** Uploaded bytes do not match the hash or size the client claimed. */
public final class HashMismatchException extends CacheServerException {
    public HashMismatchException(String message) {
        super(message);
    }

    public HashMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
