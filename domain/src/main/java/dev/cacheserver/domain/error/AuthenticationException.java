package dev.cacheserver.domain.error;

/** No credentials, or credentials that are not valid (bad signature, expired, revoked). */
public final class AuthenticationException extends CacheServerException {
    public AuthenticationException(String message) {
        super(message);
    }

    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
