package dev.cacheserver.domain.port;

import dev.cacheserver.domain.model.NixHash;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * The bytes of multipart upload parts, kept on disk until the upload completes, is aborted or expires (they
 * survive a restart). A part is first written by the caller into a spool file from {@link #createPartSpool},
 * then {@link #keepPart kept} under its number, replacing an earlier copy atomically. {@link #assemble}
 * concatenates parts, in the given order, into a target file while hashing, never holding a part in memory.
 * Non-blocking; stages may complete on any thread. Failures are
 * {@link dev.cacheserver.domain.error.StorageException}; a part that is not stored fails
 * {@link #assemble} with {@link dev.cacheserver.domain.error.InvalidInputException}.
 */
public interface UploadPartStore {

    /** A new, empty file to receive one part of {@code narId}. */
    CompletionStage<Path> createPartSpool(UUID narId);

    /** Moves a spool file from {@link #createPartSpool} into place as part {@code partNumber}. */
    CompletionStage<Void> keepPart(UUID narId, int partNumber, Path spool);

    /** Deletes a spool file that will not be kept; a missing file is not an error. */
    CompletionStage<Void> discard(Path spool);

    /**
     * Writes parts {@code partNumbers} of {@code narId}, in that order, into {@code target} (truncated first)
     * and reports the SHA-256 and length of what was written. Progress is reported to {@code target} as the file
     * grows, and it is finished at the end or abandoned on failure, so the content can be digested meanwhile.
     */
    CompletionStage<Assembled> assemble(UUID narId, List<Integer> partNumbers, SpoolProgress target);

    /** {@link #assemble(UUID, List, SpoolProgress)} when nobody follows the file. */
    default CompletionStage<Assembled> assemble(UUID narId, List<Integer> partNumbers, Path target) {
        return assemble(narId, partNumbers, new SpoolProgress(target));
    }

    /** Deletes every part (and spool file) of {@code narId}; nothing to delete is not an error. */
    CompletionStage<Void> deleteUpload(UUID narId);

    /** The uploads that have anything stored, so that parts without a session can be cleaned up. */
    CompletionStage<List<UUID>> uploads();

    /** The hash and length of an assembled file. */
    record Assembled(NixHash sha256, long size) {
    }
}
