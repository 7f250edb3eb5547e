package dev.cacheserver.application;

import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.signing.PublicSigningKey;
import java.util.List;
import java.util.Optional;

/**
 * The public keys whose signature makes a peer's narinfo servable: the configured {@code dht-trusted-keys} plus
 * this server's own cache keys (nodes sharing a key trust each other without configuration). A key a peer
 * announces about itself is never trusted for that reason alone.
 */
public record TrustedKeys(List<PublicSigningKey> keys) {
    public TrustedKeys {
        keys = List.copyOf(keys);
    }

    /** The first trusted key with a valid signature on {@code info}, if any. */
    public Optional<PublicSigningKey> signerOf(NarInfo info) {
        for (PublicSigningKey key : keys) {
            if (info.signatureBy(key).isPresent()) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }
}
