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
 * fails with HashMismatchException. {@link #abort} deletes the spool of a failed transfer.
 *
 * <p>A caller that reports its progress may also {@link #follow} the spool: the NAR's content is then digested
 * while it arrives, and the narinfo that follows is checked against that digest instead of decompressing the
 * stored NAR again.
 */
public interface UploadNarUseCase {
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
}
