package dev.cacheserver.application.access;

import java.util.Set;

/**
 * The ids of revoked tokens, held in memory so that checking a token on every request costs one set lookup.
 * Refreshed from {@link dev.cacheserver.domain.port.TokenRevocations} by the server (periodically, since the
 * {@code revoke-token} command writes the database from another process). Thread-safe.
 */
public final class RevocationList {
    private volatile Set<String> revoked = Set.of();

    public boolean isRevoked(String tokenId) {
        return tokenId != null && revoked.contains(tokenId);
    }

    public void replace(Set<String> ids) {
        revoked = Set.copyOf(ids);
    }

    public int size() {
        return revoked.size();
    }
}
