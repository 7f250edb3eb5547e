package dev.cacheserver.application.port.in;

/**
 * Whether a caller may write to one cache, asked before a request body is read: a refused upload is answered (401,
 * 403) without taking its bytes, and with {@code Expect: 100-continue} before the client sends them.
 */
public interface AuthorizeUpload {
    /**
     * Returns when {@code caller} may write to the cache; throws AuthenticationException (no, bad, expired or revoked
     * token) or PermissionDeniedException (a valid token without write access to this cache). Cheap; never blocks.
     */
    void authorizeUpload(Caller caller);
}
