package dev.cacheserver.application.port.in;

/**
 * Where the bytes of an ingested NAR come from, and who names their hash and size: the four entrances of the one
 * ingest sequence. The words only shape the message of a mismatch (which names the field the client wrote);
 * every origin is verified the same way.
 */
public enum NarOrigin {
    /** {@code PUT /nar/<filehash>.nar.<ext>} of the Nix protocol. */
    NIX_UPLOAD("FileHash", "FileSize", "the URL", "uploaded bytes"),
    /** The parts of a Cachix multipart upload, assembled at {@code complete}. */
    CACHIX_PARTS("cFileHash", "cFileSize", "narInfoCreate", "bytes of the parts"),
    /** A NAR streamed from an upstream cache (pull-through). */
    UPSTREAM("FileHash", "FileSize", "the upstream narinfo", "bytes from the upstream"),
    /** A NAR streamed from a cluster peer (pull-through). */
    PEER("FileHash", "FileSize", "the peer's narinfo", "bytes from the peer");

    private final String hashField;
    private final String sizeField;
    private final String claimant;
    private final String bytes;

    NarOrigin(String hashField, String sizeField, String claimant, String bytes) {
        this.hashField = hashField;
        this.sizeField = sizeField;
        this.claimant = claimant;
        this.bytes = bytes;
    }

    /** The name of the claimed FileHash where the client wrote it, e.g. {@code cFileHash}. */
    public String hashField() {
        return hashField;
    }

    /** The name of the claimed FileSize where the client wrote it, e.g. {@code cFileSize}. */
    public String sizeField() {
        return sizeField;
    }

    /** Who names the NAR's FileHash and FileSize, e.g. "the URL". */
    public String claimant() {
        return claimant;
    }

    /** What the received bytes are called, e.g. "uploaded bytes". */
    public String bytes() {
        return bytes;
    }
}
