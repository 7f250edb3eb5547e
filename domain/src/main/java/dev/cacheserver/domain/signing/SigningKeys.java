package dev.cacheserver.domain.signing;

import dev.cacheserver.domain.error.InvalidInputException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The keys of one cache during a key rotation. Every active key signs what the cache serves, so a client trusting
 * any one of them accepts it; the first is the current key (the one named to clients first and announced to
 * peers). Retired keys signed for the cache before and no longer do: their signatures are taken off what it serves,
 * so that a client trusting only a retired key is refused. Active keys have distinct names, because a Nix client
 * trusts one key per name.
 */
public final class SigningKeys {
    private final List<SecretSigningKey> active;
    private final List<PublicSigningKey> retired;

    public SigningKeys(List<SecretSigningKey> active, Collection<PublicSigningKey> retired) {
        if (active.isEmpty()) {
            throw new InvalidInputException("a cache needs at least one signing key");
        }
        Set<String> names = new HashSet<>();
        for (SecretSigningKey key : active) {
            if (!names.add(key.name())) {
                throw new InvalidInputException("two signing keys are named " + key.name()
                        + ": a Nix client trusts one key per name, so give each key its own name");
            }
        }
        this.active = List.copyOf(active);
        List<PublicSigningKey> activePublic = publicKeys();
        List<PublicSigningKey> stillRetired = new ArrayList<>();
        for (PublicSigningKey key : retired) {
            if (!activePublic.contains(key) && !stillRetired.contains(key)) {
                stillRetired.add(Objects.requireNonNull(key));
            }
        }
        this.retired = List.copyOf(stillRetired);
    }

    /** One active key and nothing retired: a cache that is not rotating. */
    public static SigningKeys of(SecretSigningKey key) {
        return new SigningKeys(List.of(key), List.of());
    }

    /** The key that signs first and is named first to clients. */
    public SecretSigningKey current() {
        return active.get(0);
    }

    /** Every key that signs, current first. */
    public List<SecretSigningKey> active() {
        return active;
    }

    /** The public halves of the active keys, current first: what clients may trust. */
    public List<PublicSigningKey> publicKeys() {
        return active.stream().map(SecretSigningKey::publicKey).toList();
    }

    /** Keys whose signatures are removed from what the cache serves. */
    public List<PublicSigningKey> retired() {
        return retired;
    }

    @Override
    public String toString() {
        return "SigningKeys[" + publicKeys() + (retired.isEmpty() ? "" : ", retired " + retired) + "]";
    }
}
