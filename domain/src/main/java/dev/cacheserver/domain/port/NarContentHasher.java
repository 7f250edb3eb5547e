package dev.cacheserver.domain.port;

import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NixHash;
import java.util.concurrent.CompletionStage;

/**
 * Computes the NarHash and NarSize of a stored NAR by streaming decompression, off the event loop and
 * without holding the NAR in memory. A file that does not decompress as {@code compression} fails with
 * {@link dev.cacheserver.domain.error.HashMismatchException} ("not valid <compression> data").
 */
public interface NarContentHasher {

    CompletionStage<NarDigest> digest(NarLocation location, Compression compression);

    /** The hash and size of the uncompressed NAR. */
    record NarDigest(NixHash narHash, long narSize) {
    }
}
