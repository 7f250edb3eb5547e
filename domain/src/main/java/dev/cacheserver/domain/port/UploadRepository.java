package dev.cacheserver.domain.port;

import dev.cacheserver.domain.upload.UploadSession;
import dev.cacheserver.domain.upload.UploadedPart;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Durable state of multipart uploads: the sessions and, per session, which parts arrived with which MD5 and
 * size (the bytes themselves live in an {@link UploadPartStore}). Durable when a stage completes, so an
 * upload in progress survives a restart. Non-blocking; stages may complete on any thread. Failures are
 * {@link dev.cacheserver.domain.error.StorageException}.
 */
public interface UploadRepository {

    /** Stores a new session; its narId is new. */
    CompletionStage<Void> create(UploadSession session);

    CompletionStage<Optional<UploadSession>> find(UUID narId);

    /**
     * Records a received part, replacing an earlier record of the same part number (a client retries a PUT).
     * False, and nothing recorded, when the session does not exist (completed, aborted or expired meanwhile).
     */
    CompletionStage<Boolean> savePart(UUID narId, UploadedPart part);

    /** The parts recorded for the session, by ascending part number; empty for an unknown session. */
    CompletionStage<List<UploadedPart>> parts(UUID narId);

    /** Deletes the session and its part records; true when the session existed. */
    CompletionStage<Boolean> delete(UUID narId);

    /** Sessions whose expiry is at or before {@code now}, oldest first, at most {@code limit}. */
    CompletionStage<List<UploadSession>> findExpired(Instant now, int limit);

    /** How many sessions exist (expired ones included until they are deleted). */
    CompletionStage<Integer> count();
}
