package dev.cacheserver.domain.upload;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One multipart NAR upload of the Cachix API: {@code narId} names it in URLs, {@code uploadId} is the secret the
 * client echoes back with every call. It belongs to one cache, carries one compression (xz or zstd), and is
 * abandoned (its parts deleted) once {@code expiresAt} has passed.
 */
public record UploadSession(UUID narId, String uploadId, CacheName cache, Compression compression, Instant createdAt,
                            Instant expiresAt) {
    public UploadSession {
        Objects.requireNonNull(narId, "narId");
        Objects.requireNonNull(uploadId, "uploadId");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
