package dev.cacheserver.application.port.in;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Use case: complete or abort a Cachix multipart NAR upload. {@link #complete} checks the parts against their ETags
 * and sends the upload through the one NAR ingest sequence: parts assembled in order into a spool, FileSize and
 * FileHash verified, the NAR stored, the narinfo published (NarHash and NarSize verified; signed by the cache and,
 * for a self-signed cache, carrying the client's verified {@code cSig}). Nothing is published unless every check
 * passed (HashMismatchException or InvalidInputException 400); a path the cache holds with another NarHash is a
 * ConflictException (409). The caller needs a token that may write the cache (401, 403). Completions beyond the
 * limit are UnavailableException (503). Non-blocking; thread-safe.
 */
public interface CompleteMultipartUpload {

    CompletionStage<Outcome> complete(CompleteUploadCommand command);

    /** Discards an upload and its parts. */
    CompletionStage<Void> abort(AbortUploadCommand command);

    /** How a completed upload ended. */
    enum Outcome {
        /** The NAR and its narinfo are published. */
        PUBLISHED,
        /** The cache already had a narinfo for this store path: nothing changed, the upload was dropped. */
        ALREADY_PRESENT
    }

    /**
     * {@code listed}: the client's {@code parts} (empty when it sent null: then the stored parts are used, and they
     * must be 1..N without gaps). {@code create}: the narinfo fields (null: missing, a 400).
     */
    record CompleteUploadCommand(Caller caller, String cacheName, UUID narId, String uploadId,
                                 Optional<List<CompletedPart>> listed, NarInfoCreate create) {
        public CompleteUploadCommand {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(listed, "listed");
        }
    }

    record AbortUploadCommand(Caller caller, String cacheName, UUID narId, String uploadId) {
        public AbortUploadCommand {
            Objects.requireNonNull(caller, "caller");
        }
    }
}
