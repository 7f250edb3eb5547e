package dev.cacheserver.application.port.in;

/**
 * Use case: let a server-wide admin through, e.g. to the metrics when {@code metrics-access: admin}. Fails with
 * AuthenticationException (401) without a valid token and PermissionDeniedException (403) when the token is valid but
 * not a server-wide admin token.
 */
public interface CheckAdminAccess {
    void requireAdmin(Caller caller);
}
