package dev.cacheserver.application.port.in;

/**
 * Where the bytes of an ingested NAR come from, and who names their hash and size: the four entrances of the one
 * ingest sequence. The words only shape the message of a mismatch; every origin is verified the same way.
 */
public enum NarOrigin {
    /** {@code PUT /nar/<filehash>.nar.<ext>} of the Nix protocol. */
    NIX_UPLOAD("the URL", "uploaded bytes"),
    /** The parts of a Cachix multipart upload, assembled at {@code complete}. */
    CACHIX_PARTS("narInfoCreate", "bytes of the parts"),
    /** A NAR streamed from an upstream cache (pull-through). */
    UPSTREAM("the upstream narinfo", "bytes from the upstream"),
    /** A NAR streamed from a cluster peer (pull-through). */
    PEER("the peer's narinfo", "bytes from the peer");

    private final String claimant;
    private final String bytes;

    NarOrigin(String claimant, String bytes) {
        this.claimant = claimant;
        this.bytes = bytes;
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
