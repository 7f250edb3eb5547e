package dev.cacheserver.domain.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One stored build log or NAR listing: its name within its kind (a derivation base name, or a store path hash),
 * its size, and the {@code Content-Type} and {@code Content-Encoding} it was uploaded with, served back unchanged.
 */
public record StoredArtifact(CacheName cache, ArtifactKind kind, String name, long size, String contentType,
                             Optional<String> contentEncoding, Instant storedAt) {
    public StoredArtifact {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(contentEncoding, "contentEncoding");
        Objects.requireNonNull(storedAt, "storedAt");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
    }
}
