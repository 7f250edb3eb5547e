package dev.cacheserver.domain.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The server's record of a token it issued (never the token itself): its id ({@code jti}), subject, permission,
 * expiry and, once revoked, when. A revocation of an id that was never recorded has subject {@code "?"}.
 */
public record IssuedToken(String id, String subject, Permission permission, Instant expiresAt, Instant issuedAt,
                          Instant revokedAt) {
    public IssuedToken {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(permission, "permission");
        Objects.requireNonNull(issuedAt, "issuedAt");
    }

    public Optional<Instant> expiry() {
        return Optional.ofNullable(expiresAt);
    }

    public Optional<Instant> revocation() {
        return Optional.ofNullable(revokedAt);
    }
}
