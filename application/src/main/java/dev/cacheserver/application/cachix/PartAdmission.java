package dev.cacheserver.application.cachix;

import dev.cacheserver.application.port.out.PartUrlLayout;
import dev.cacheserver.application.port.in.PartGrant;
import dev.cacheserver.application.port.in.UploadNarParts;
import dev.cacheserver.domain.error.HashMismatchException;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.error.PermissionDeniedException;
import dev.cacheserver.domain.error.UnavailableException;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.port.UploadPartStore;
import dev.cacheserver.domain.port.UploadRepository;
import dev.cacheserver.domain.upload.UploadSession;
import dev.cacheserver.domain.upload.UploadedPart;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;

/**
 * The parts of multipart uploads: signs their upload URLs, admits a part PUT only under a valid, unexpired grant
 * with the Content-MD5 it was made for and within the limit of transfers in flight, and keeps a received part only
 * when its bytes hash to that MD5. Thread-safe; never blocks.
 */
final class PartAdmission {
    private final UploadRepository uploads;
    private final UploadPartStore parts;
    private final UploadCapabilities capabilities;
    private final PartUrlLayout layout;
    private final UploadSettings settings;
    private final Clock clock;
    private final Semaphore transfers;

    PartAdmission(UploadRepository uploads, UploadPartStore parts, UploadCapabilities capabilities,
                  PartUrlLayout layout, UploadSettings settings, Clock clock) {
        this.uploads = uploads;
        this.parts = parts;
        this.capabilities = capabilities;
        this.layout = layout;
        this.settings = settings;
        this.clock = clock;
        this.transfers = new Semaphore(settings.maxPartTransfers());
    }

    /** The signed upload URL of one part, valid for the part URL lifetime but never beyond the upload's. */
    URI partUrl(CachixCache cache, UploadSession session, int partNumber, String contentMd5) {
        Instant expires = clock.instant().plus(settings.partUrlExpiry());
        if (expires.isAfter(session.expiresAt())) {
            expires = session.expiresAt();
        }
        PartGrant grant = new PartGrant(session.narId(), partNumber, contentMd5, expires.getEpochSecond());
        return layout.partUrl(cache.profile().publicUrl(), grant, capabilities.sign(grant));
    }

    CompletionStage<UploadNarParts.PartTransfer> begin(UploadNarParts.BeginPartCommand command) {
        PartGrant grant = command.grant();
        String signature = command.signature();
        String contentMd5Header = command.contentMd5Header();
        CacheName portCache = command.portCache();
        try {
            if (!capabilities.verifies(grant, signature)) {
                throw new PermissionDeniedException("this upload URL is not valid");
            }
            if (clock.instant().getEpochSecond() >= grant.expiresEpochSecond()) {
                throw new PermissionDeniedException("this upload URL has expired; ask for a new one");
            }
            if (contentMd5Header == null || !contentMd5Header.strip().equals(grant.contentMd5())) {
                throw new InvalidInputException("Content-MD5 must be the MD5 this upload URL was made for");
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return uploads.find(grant.narId()).thenCompose(found -> {
            UploadSession session = found.filter(s -> s.cache().equals(portCache))
                    .filter(s -> !s.isExpiredAt(clock.instant()))
                    .orElseThrow(() -> new NotFoundException("upload " + grant.narId()
                            + " is finished, aborted or expired"));
            if (!transfers.tryAcquire()) {
                throw new UnavailableException("too many part uploads in flight; retry later");
            }
            return parts.createPartSpool(session.narId())
                    .<UploadNarParts.PartTransfer>thenApply(spool -> new PartTransfer(grant, spool, transfers::release))
                    .whenComplete((t, e) -> {
                        if (e != null) {
                            transfers.release();
                        }
                    });
        });
    }

    CompletionStage<UploadedPart> finish(UploadNarParts.PartTransfer admitted, byte[] md5, long size) {
        PartTransfer transfer = (PartTransfer) admitted;
        PartGrant grant = transfer.grant();
        CompletionStage<UploadedPart> result;
        if (!MessageDigest.isEqual(md5, md5Bytes(grant.contentMd5()))) {
            result = parts.discard(transfer.spool()).thenApply(v -> {
                throw new HashMismatchException("the part's bytes do not match its Content-MD5");
            });
        } else {
            UploadedPart part = UploadedPart.of(grant.partNumber(), md5, size);
            result = parts.keepPart(grant.narId(), grant.partNumber(), transfer.spool())
                    .thenCompose(kept -> uploads.savePart(grant.narId(), part))
                    .thenApply(saved -> {
                        if (!saved) {
                            throw new NotFoundException("upload " + grant.narId() + " was finished or aborted meanwhile");
                        }
                        return part;
                    });
        }
        return result.whenComplete((p, e) -> transfer.release());
    }

    CompletionStage<Void> abandon(UploadNarParts.PartTransfer admitted) {
        PartTransfer transfer = (PartTransfer) admitted;
        return parts.discard(transfer.spool()).whenComplete((v, e) -> transfer.release());
    }

    /** InvalidInputException (400) unless {@code partNumber} may exist and {@code contentMd5} is a base64 MD5. */
    static void checkPart(int partNumber, String contentMd5) {
        checkPartNumber(partNumber);
        md5Bytes(contentMd5);
    }

    private static void checkPartNumber(int partNumber) {
        if (partNumber < 1 || partNumber > UploadedPart.MAX_PART_NUMBER) {
            throw new InvalidInputException("partNumber must be 1.." + UploadedPart.MAX_PART_NUMBER);
        }
    }

    private static byte[] md5Bytes(String contentMd5) {
        byte[] md5;
        try {
            md5 = Base64.getDecoder().decode(contentMd5 == null ? "" : contentMd5.strip());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("contentMD5 is not base64");
        }
        if (md5.length != 16) {
            throw new InvalidInputException("contentMD5 must be the base64 of a 16-byte MD5");
        }
        return md5;
    }
}
