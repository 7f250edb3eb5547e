package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.upload.UploadedPart;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Use case: receive the parts of a Cachix multipart upload ({@code PUT} on an upload URL, on the cache's own port).
 * The signed URL is the credential, not a token: {@link #beginPart} admits a part only under a grant this server
 * signed, unexpired (PermissionDeniedException 403), with the Content-MD5 it was made for (InvalidInputException
 * 400), for an upload still open in that cache (NotFoundException 404), within the limit of transfers in flight
 * (UnavailableException 503). The adapter streams the body into the transfer's spool while computing its MD5, then
 * calls {@link #finishPart} (kept only when the MD5 matches; HashMismatchException 400) or {@link #abandonPart}.
 * Non-blocking; thread-safe.
 */
public interface UploadNarParts {

    CompletionStage<PartTransfer> beginPart(BeginPartCommand command);

    /** Keeps a fully received part whose bytes hash to {@code md5}. */
    CompletionStage<UploadedPart> finishPart(PartTransfer transfer, byte[] md5, long size);

    /** Drops a part whose transfer failed. */
    CompletionStage<Void> abandonPart(PartTransfer transfer);

    /**
     * A part PUT that arrived on {@code portCache}'s port, with the grant its URL claims, the URL's signature and
     * the request's Content-MD5 header (null when missing).
     */
    record BeginPartCommand(CacheName portCache, PartGrant grant, String signature, String contentMd5Header) {
        public BeginPartCommand {
            Objects.requireNonNull(portCache, "portCache");
            Objects.requireNonNull(grant, "grant");
        }
    }

    /** One part PUT in progress; it holds a transfer slot until it is finished or abandoned. */
    interface PartTransfer {
        PartGrant grant();

        /** Where the adapter writes the part's bytes. */
        Path spool();
    }
}
