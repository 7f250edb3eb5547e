package dev.cacheserver.domain.error;

/** The server deliberately never does what was asked, whoever asks: retrying cannot help (unlike {@link UnavailableException}). */
public final class NotSupportedException extends CacheServerException {
    public NotSupportedException(String message) {
        super(message);
    }
}
