package dev.cacheserver.application.access;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.signing.SecretSigningKey;
import dev.cacheserver.domain.signing.SigningKeys;
import java.net.URI;
import java.util.Objects;

/**
 * What the use cases need to know about one cache: its name, visibility, signing keys and public URL. The
 * visibility is the one setting that changes while running (a configuration reload); everything else is fixed
 * (the signing keys change with a restart).
 */
public final class CacheProfile {
    private final CacheName name;
    private volatile boolean isPublic;
    private final SigningKeys signingKeys;
    private final URI publicUrl;
    private final int priority;

    public CacheProfile(CacheName name, boolean isPublic, SecretSigningKey signingKey, URI publicUrl, int priority) {
        this(name, isPublic, SigningKeys.of(Objects.requireNonNull(signingKey, "signingKey")), publicUrl, priority);
    }

    public CacheProfile(CacheName name, boolean isPublic, SigningKeys signingKeys, URI publicUrl, int priority) {
        this.name = Objects.requireNonNull(name, "name");
        this.isPublic = isPublic;
        this.signingKeys = Objects.requireNonNull(signingKeys, "signingKeys");
        this.publicUrl = Objects.requireNonNull(publicUrl, "publicUrl");
        this.priority = priority;
    }

    public CacheName name() {
        return name;
    }

    /** Whether anyone may read without a token; checked on every request, so a reload applies at once. */
    public boolean isPublic() {
        return isPublic;
    }

    /** Makes the cache public or private from the next request on (a configuration reload changed its access). */
    public void makePublic(boolean value) {
        this.isPublic = value;
    }

    /** The current key: it signs first and is the one announced to cluster peers. */
    public SecretSigningKey signingKey() {
        return signingKeys.current();
    }

    /** Every key the cache signs with (current first) and the retired ones whose signatures it removes. */
    public SigningKeys signingKeys() {
        return signingKeys;
    }

    public URI publicUrl() {
        return publicUrl;
    }

    public int priority() {
        return priority;
    }

    /** The body of {@code GET /nix-cache-info}. */
    public String nixCacheInfo() {
        return "StoreDir: /nix/store\nWantMassQuery: 1\nPriority: " + priority + "\n";
    }

    @Override
    public String toString() {
        return "CacheProfile[" + name + (isPublic ? ", public" : ", private") + ", " + publicUrl + "]";
    }
}
