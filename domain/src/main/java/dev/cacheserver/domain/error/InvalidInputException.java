package dev.cacheserver.domain.error;

/** Malformed or invalid input from a client (bad narinfo, bad hash, bad name). */
public final class InvalidInputException extends CacheServerException {
    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
