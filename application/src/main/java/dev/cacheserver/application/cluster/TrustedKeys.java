package dev.cacheserver.application.cluster;

import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.signing.NarSignature;
import dev.cacheserver.domain.signing.PublicSigningKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The public keys whose signature makes a peer's narinfo servable: the configured {@code dht-trusted-keys} plus
 * this server's own cache keys (nodes sharing a key trust each other without configuration). A key a peer
 * announces about itself is never trusted for that reason alone.
 */
public final class TrustedKeys {
    /** Replaced whole on a configuration reload; a check in flight finishes with the set it started with. */
    private volatile List<PublicSigningKey> keys;

    public TrustedKeys(List<PublicSigningKey> keys) {
        this.keys = List.copyOf(keys);
    }

    public List<PublicSigningKey> keys() {
        return keys;
    }

    /** From now on trusts exactly {@code keys} (a configuration reload changed {@code dht-trusted-keys}). */
    public void replace(List<PublicSigningKey> keys) {
        this.keys = List.copyOf(keys);
    }

    /** The first trusted key with a valid signature on {@code info}, if any. */
    public Optional<PublicSigningKey> signerOf(NarInfo info) {
        for (PublicSigningKey key : keys()) {
            if (info.signatureBy(key).isPresent()) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    /**
     * Every signature on {@code info} that some trusted key verifies, in their order; one that no trusted key
     * verifies is left out, so a re-served narinfo carries no signature this server could not vouch for.
     */
    public List<NarSignature> verifiedSignatures(NarInfo info) {
        String fingerprint = info.fingerprint();
        List<NarSignature> verified = new ArrayList<>();
        for (NarSignature sig : info.signatures()) {
            if (keys.stream().anyMatch(key -> key.verifies(sig, fingerprint))) {
                verified.add(sig);
            }
        }
        return verified;
    }

    /** Trusted keys that carry {@code own}'s name but are another key: a node sharing our key name by accident. */
    public List<PublicSigningKey> namesakesOf(PublicSigningKey own) {
        return keys.stream().filter(k -> k.name().equals(own.name()) && !k.equals(own)).toList();
    }
}
