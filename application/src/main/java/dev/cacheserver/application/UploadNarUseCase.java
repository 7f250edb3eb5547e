package dev.cacheserver.application;

import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.port.NarContentHasher.NarDigest;
import dev.cacheserver.domain.port.SpoolProgress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Receives NAR files ({@code PUT /nar/<filehash>.nar.<ext>}). The caller streams the body into the spool
 * file from {@link #begin()}, hashing as it goes, then calls {@link #complete}: the NAR is published under its
 * name only if the computed hash equals the hash in the name; otherwise the spool is deleted and the stage
 * fails with HashMismatchException. {@link #abort} or {@link #abandon} deletes the spool of a failed transfer.
 *
 * <p>A caller that reports its progress may also {@link #follow} the spool: the NAR's content is then digested
 * while it arrives, and the narinfo that follows is checked against that digest instead of decompressing the
 * stored NAR again.
 */
public interface UploadNarUseCase {
    /**
     * Fails with PayloadTooLargeException, before the body is read, when a NAR of the declared {@code bytes}
     * would not fit on any storage of the cache.
     */
    default CompletionStage<Void> admit(long bytes) {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    CompletionStage<Path> begin();

    /** Starts digesting the content of the NAR being written into {@code spool}; empty when it is not worth it. */
    default Optional<CompletionStage<NarDigest>> follow(SpoolProgress spool, Compression compression) {
        return Optional.empty();
    }

    default CompletionStage<Void> complete(Path spool, NarFile claimed, NixHash computed, long size) {
        return complete(spool, claimed, computed, size, Optional.empty());
    }

    /** As above, with the digest from {@link #follow}, remembered for the narinfo once the FileHash matched. */
    CompletionStage<Void> complete(Path spool, NarFile claimed, NixHash computed, long size,
                                   Optional<CompletionStage<NarDigest>> content);

    CompletionStage<Void> abort(Path spool);

    /**
     * Deletes the spool of a transfer that failed with {@code cause}; answers the failure to report, which names
     * the storage when it ran out of space (507) and is {@code cause} otherwise.
     */
    default CompletionStage<Throwable> abandon(Path spool, Throwable cause) {
        return abort(spool).handle((v, e) -> cause);
    }
}
