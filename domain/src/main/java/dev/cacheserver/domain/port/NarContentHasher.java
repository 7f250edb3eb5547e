package dev.cacheserver.domain.port;

import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NixHash;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Computes the NarHash and NarSize of a stored NAR by streaming decompression, off the event loop and
 * without holding the NAR in memory. A file that does not decompress as {@code compression} fails with
 * {@link dev.cacheserver.domain.error.HashMismatchException} ("not valid <compression> data").
 */
public interface NarContentHasher {

    CompletionStage<NarDigest> digest(NarLocation location, Compression compression);

    /**
     * Starts digesting a spool file while it is still being written, following {@code spool} to its end, so that
     * the digest is ready about when the upload is. Empty when the adapter has no capacity for it now (the caller
     * then digests the stored NAR with {@link #digest} later). The stage fails like {@link #digest} on data that
     * does not decompress, and with {@link SpoolProgress.Abandoned} when the upload is abandoned.
     */
    default Optional<CompletionStage<NarDigest>> digestWhileWritten(SpoolProgress spool, Compression compression) {
        return Optional.empty();
    }

    /** The hash and size of the uncompressed NAR. */
    record NarDigest(NixHash narHash, long narSize) {
    }
}
