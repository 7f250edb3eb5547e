package dev.cacheserver.domain.narinfo;

import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.signing.NarSignature;
import dev.cacheserver.domain.signing.PublicSigningKey;
import dev.cacheserver.domain.signing.SecretSigningKey;
import dev.cacheserver.domain.signing.SigningKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The metadata of one store path in a binary cache. References are kept sorted and without duplicates, as
 * Nix writes and signs them. {@code deriver}, {@code system} and {@code ca} are optional (null when absent).
 */
public record NarInfo(StorePath storePath, NarFile narFile, long fileSize, NixHash narHash, long narSize,
                      List<StorePath> references, String deriver, String system, List<NarSignature> signatures,
                      String ca) {

    public NarInfo {
        Objects.requireNonNull(storePath, "storePath");
        Objects.requireNonNull(narFile, "narFile");
        Objects.requireNonNull(narHash, "narHash");
        if (fileSize < 0 || narSize < 0) {
            throw new IllegalArgumentException("sizes must not be negative");
        }
        references = List.copyOf(new TreeSet<>(references));
        signatures = List.copyOf(signatures);
    }

    public Compression compression() {
        return narFile.compression();
    }

    public NixHash fileHash() {
        return narFile.fileHash();
    }

    /** The text that signatures cover: {@code 1;<path>;<narHash>;<narSize>;<full reference paths, comma-joined>}. */
    public String fingerprint() {
        StringBuilder sb = new StringBuilder(200);
        sb.append("1;").append(storePath.fullPath()).append(';').append(narHash).append(';').append(narSize).append(';');
        for (int i = 0; i < references.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(references.get(i).fullPath());
        }
        return sb.toString();
    }

    /**
     * A copy signed by {@code key}, replacing an earlier signature by the same key and keeping every other one,
     * even one under the same key name by another key (nodes whose default key names coincide): Nix tries each
     * Sig line against the key it trusts under that name, so a client trusting either key accepts the path.
     */
    public NarInfo signedBy(SecretSigningKey key) {
        PublicSigningKey ours = key.publicKey();
        String fp = fingerprint();
        List<NarSignature> sigs = new ArrayList<>();
        for (NarSignature s : signatures) {
            if (!ours.verifies(s, fp)) {
                sigs.add(s);
            }
        }
        sigs.add(key.sign(fp));
        return withSignatures(sigs);
    }

    /**
     * A copy as a cache with {@code keys} serves it: signed by every active key (replacing their earlier
     * signatures), without signatures by a retired key, every other signature kept.
     */
    public NarInfo signedBy(SigningKeys keys) {
        NarInfo signed = withoutSignaturesBy(keys.retired());
        for (SecretSigningKey key : keys.active()) {
            signed = signed.signedBy(key);
        }
        return signed;
    }

    /**
     * True when {@link #signedBy(SigningKeys)} would add or remove nothing that matters: every active key has a
     * valid signature here and no retired key has one.
     */
    public boolean isSignedBy(SigningKeys keys) {
        String fp = fingerprint();
        for (SecretSigningKey key : keys.active()) {
            PublicSigningKey pub = key.publicKey();
            if (signatures.stream().noneMatch(s -> pub.verifies(s, fp))) {
                return false;
            }
        }
        return keys.retired().stream().noneMatch(pub -> signatures.stream().anyMatch(s -> pub.verifies(s, fp)));
    }

    /** A copy without the signatures that any of {@code keys} verifies. */
    public NarInfo withoutSignaturesBy(List<PublicSigningKey> keys) {
        if (keys.isEmpty()) {
            return this;
        }
        String fp = fingerprint();
        List<NarSignature> kept = signatures.stream().filter(s -> keys.stream().noneMatch(k -> k.verifies(s, fp))).toList();
        return kept.size() == signatures.size() ? this : withSignatures(kept);
    }

    public NarInfo withSignatures(List<NarSignature> sigs) {
        return new NarInfo(storePath, narFile, fileSize, narHash, narSize, references, deriver, system, sigs, ca);
    }

    /** The first signature that {@code key} verifies, if any. */
    public Optional<NarSignature> signatureBy(PublicSigningKey key) {
        String fp = fingerprint();
        return signatures.stream().filter(s -> key.verifies(s, fp)).findFirst();
    }

    /** Metadata equality that ignores signatures: the same NAR content at the same path. */
    public boolean describesSameContent(NarInfo other) {
        return storePath.equals(other.storePath) && narFile.equals(other.narFile) && fileSize == other.fileSize
                && narHash.equals(other.narHash) && narSize == other.narSize && references.equals(other.references);
    }
}
