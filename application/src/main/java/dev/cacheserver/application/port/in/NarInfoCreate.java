package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.narinfo.NarInfoFields;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The {@code narInfoCreate} object of a Cachix {@code complete} call, field by field as the client sends it
 * ({@code cFileHash} is hex, {@code cNarHash} is {@code sha256:<nix32>}, references and deriver are base names,
 * {@code cSig} is a bare base64 signature or null). Nothing here is trusted until {@link #toNarInfo} validated it.
 */
public record NarInfoCreate(String cStoreHash, String cStoreSuffix, String cNarHash, long cNarSize, String cFileHash,
                            long cFileSize, List<String> cReferences, String cDeriver, String cSig) {
    public NarInfoCreate {
        cReferences = cReferences == null ? null : List.copyOf(cReferences);
    }

    /** The unsigned narinfo these fields describe for a NAR compressed as {@code compression}. */
    public NarInfo toNarInfo(Compression compression) {
        StorePath path = storePath();
        String hex = require("cFileHash", cFileHash);
        if (hex.length() != 64 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new InvalidInputException("cFileHash must be the 64 hex digits of the compressed file's SHA-256");
        }
        NixHash narHash = NixHash.parse("cNarHash", require("cNarHash", cNarHash));
        if (cNarSize <= 0) {
            throw new InvalidInputException("cNarSize must be positive");
        }
        if (cFileSize < 0) {
            throw new InvalidInputException("cFileSize must not be negative");
        }
        if (cReferences == null) {
            throw new InvalidInputException("cReferences is missing");
        }
        List<StorePath> refs = new ArrayList<>();
        for (String ref : cReferences) {
            refs.add(NarInfoFields.reference("cReferences", require("cReferences[]", ref)));
        }
        String deriver = NarInfoFields.deriver("cDeriver", cDeriver);
        return new NarInfo(path, new NarFile(NixHash.parse("cFileHash", hex.toLowerCase()), compression), cFileSize,
                narHash, cNarSize, refs, deriver, null, List.of(), null);
    }

    /** The client's raw 64-byte Ed25519 signature, when it sent one. */
    public Optional<byte[]> signature() {
        if (cSig == null || cSig.isEmpty()) {
            return Optional.empty();
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(cSig.strip());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("cSig is not base64");
        }
        if (raw.length != 64) {
            throw new InvalidInputException("cSig must be a 64-byte Ed25519 signature, got " + raw.length + " bytes");
        }
        return Optional.of(raw);
    }

    private StorePath storePath() {
        StorePathHash hash;
        try {
            hash = new StorePathHash(require("cStoreHash", cStoreHash));
        } catch (InvalidInputException e) {
            throw new InvalidInputException("cStoreHash: " + e.getMessage());
        }
        try {
            return new StorePath(hash, require("cStoreSuffix", cStoreSuffix));
        } catch (InvalidInputException e) {
            throw new InvalidInputException("cStoreSuffix: " + e.getMessage());
        }
    }

    private static String require(String field, String value) {
        if (value == null) {
            throw new InvalidInputException(field + " is missing");
        }
        return value;
    }
}
