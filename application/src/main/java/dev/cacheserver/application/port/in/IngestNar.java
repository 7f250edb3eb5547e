package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.model.NarFile;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Use case: receive one NAR file pushed with the Nix protocol ({@code PUT /nar/<filehash>.nar.<ext>}). The adapter
 * only moves bytes: {@link #open} decides whether the caller may write (AuthenticationException 401,
 * PermissionDeniedException 403), refuses a declared size over the limit or that fits on no storage
 * (PayloadTooLargeException 413) and hands out a {@link NarSpool}; the adapter streams the body into it, hashing
 * as it goes, and passes the outcome to {@link #finish}, which runs the one ingest sequence every NAR write goes
 * through: verify (FileHash against the name; HashMismatchException 400), locate, publish. A failed write deletes
 * the spool and fails with its cause (StorageFullException 507 naming the storage when it ran out of space).
 * The narinfo comes later ({@code PublishNarInfo}) and is checked against the content digested while the NAR
 * arrived. Non-blocking; thread-safe.
 */
public interface IngestNar {

    CompletionStage<NarSpool> open(UploadNarCommand command);

    /** Completes once the NAR is stored under its name, or fails with the spool deleted. */
    CompletionStage<Void> finish(NarSpool spool, CompletionStage<SpooledBytes> written);

    /** {@code declaredBytes}: the request's Content-Length, -1 when the body is chunked. */
    record UploadNarCommand(Caller caller, NarFile file, long declaredBytes) {
        public UploadNarCommand {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(file, "file");
        }
    }
}
