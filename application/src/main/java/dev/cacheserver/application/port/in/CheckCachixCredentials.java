package dev.cacheserver.application.port.in;

/**
 * The first check of every Cachix API write, made before its body is read: a present token must be valid (bad
 * signature, expired, revoked: AuthenticationException, 401), and a request that needs a token must have one.
 * What the token may do on a cache is decided later by the use case the request goes to. Never blocks.
 */
public interface CheckCachixCredentials {

    /**
     * Fails with AuthenticationException when the caller's token is invalid, or absent while
     * {@code anonymousAllowed} is false (only the public-cache narinfo query allows anonymous POSTs).
     */
    void authenticate(Caller caller, boolean anonymousAllowed);
}
