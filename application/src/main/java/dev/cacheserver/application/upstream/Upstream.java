package dev.cacheserver.application.upstream;

import dev.cacheserver.domain.signing.PublicSigningKey;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * One upstream binary cache: its URL, the keys its narinfos must be signed with (a narinfo signed by none of
 * them is never served), and its priority (lower is asked first, as in Nix's nix-cache-info).
 */
public record Upstream(URI url, List<PublicSigningKey> publicKeys, int priority) {
    public Upstream {
        Objects.requireNonNull(url, "url");
        publicKeys = List.copyOf(publicKeys);
        if (publicKeys.isEmpty()) {
            throw new IllegalArgumentException("an upstream needs at least one public key");
        }
    }
}
