package dev.cacheserver.domain.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a verified token says. {@code subject} is the {@code name} claim: a cache, workspace or agent name
 * exactly as in the original's tokens ({@code {"name": "main"}}), which grant write access. Tokens made by
 * this server may add {@code perm} (read, write, admin), {@code exp} (seconds since the epoch) and {@code jti}.
 */
public record TokenClaims(String subject, Permission permission, Instant expiresAt, String id) {
    public TokenClaims {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(permission, "permission");
    }

    public Optional<Instant> expiry() {
        return Optional.ofNullable(expiresAt);
    }

    public Optional<String> tokenId() {
        return Optional.ofNullable(id);
    }

    public boolean isExpiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
