package dev.cacheserver.application.port.in;

/**
 * {@code /nix-cache-info}: the body Nix reads first ({@code StoreDir}, {@code WantMassQuery}, {@code Priority}), and
 * the uploads of it that {@code nix copy} makes, which the cache authorises and drops (its own answer never changes).
 */
public interface GetCacheInfo extends AuthorizeUpload {
    /**
     * The {@code nix-cache-info} text; throws AuthenticationException or PermissionDeniedException when the caller
     * may not read the cache. Cheap; never blocks.
     */
    String nixCacheInfo(Caller caller);
}
