package dev.cacheserver.application;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.net.URI;
import java.util.Objects;

/** What the use cases need to know about one cache: its name, visibility, signing key and public URL. */
public record CacheProfile(CacheName name, boolean isPublic, SecretSigningKey signingKey, URI publicUrl, int priority) {
    public CacheProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(signingKey, "signingKey");
        Objects.requireNonNull(publicUrl, "publicUrl");
    }

    /** The body of {@code GET /nix-cache-info}. */
    public String nixCacheInfo() {
        return "StoreDir: /nix/store\nWantMassQuery: 1\nPriority: " + priority + "\n";
    }
}
