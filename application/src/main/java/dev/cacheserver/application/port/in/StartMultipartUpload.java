package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.upload.UploadSession;
import java.net.URI;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Use case: start a Cachix multipart NAR upload ({@code POST /api/v1/cache/NAME/multipart-nar}) and hand out one
 * signed upload URL per part. The caller needs a token that may write the cache (AuthenticationException 401,
 * PermissionDeniedException 403); an unknown cache is NotFoundException (404), a bad compression, part number or
 * Content-MD5 InvalidInputException (400), an upload that is finished, aborted, expired or has another uploadId
 * NotFoundException (404), too many open uploads UnavailableException (503). Non-blocking; thread-safe.
 */
public interface StartMultipartUpload {

    CompletionStage<UploadSession> start(StartUploadCommand command);

    /** The upload URL of one part, bound to its MD5 and valid for a limited time (never beyond the upload). */
    CompletionStage<URI> partUrl(PartUrlCommand command);

    /** {@code compression}: {@code xz} or {@code zst}, null for the cache's preference. */
    record StartUploadCommand(Caller caller, String cacheName, String compression) {
        public StartUploadCommand {
            Objects.requireNonNull(caller, "caller");
        }
    }

    /** {@code contentMd5}: the base64 MD5 of the part's bytes, as Content-MD5 will carry it. */
    record PartUrlCommand(Caller caller, String cacheName, UUID narId, String uploadId, int partNumber,
                          String contentMd5) {
        public PartUrlCommand {
            Objects.requireNonNull(caller, "caller");
        }
    }
}
