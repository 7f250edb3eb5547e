package dev.cacheserver.application.cachix;

import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.error.UnavailableException;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.port.UploadPartStore;
import dev.cacheserver.domain.port.UploadRepository;
import dev.cacheserver.domain.upload.UploadSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The multipart upload sessions: opened within the limit of open uploads, found again only by their cache and
 * secret uploadId while unexpired, and finished (session and parts deleted) by complete, abort or expiry.
 * Thread-safe; never blocks.
 */
final class UploadSessions {
    private static final int EXPIRY_BATCH = 500;
    private final UploadRepository uploads;
    private final UploadPartStore parts;
    private final UploadSettings settings;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    UploadSessions(UploadRepository uploads, UploadPartStore parts, UploadSettings settings, Clock clock) {
        this.uploads = uploads;
        this.parts = parts;
        this.settings = settings;
        this.clock = clock;
    }

    /** Opens an upload into {@code cache}; UnavailableException (503) when too many are open. */
    CompletionStage<UploadSession> open(CachixCache cache, Compression method) {
        Instant now = clock.instant();
        UploadSession session = new UploadSession(UUID.randomUUID(), randomId(), cache.profile().name(), method, now,
                now.plus(settings.uploadExpiry()));
        return uploads.count().thenCompose(open -> {
            if (open >= settings.maxOpenUploads()) {
                throw new UnavailableException("too many uploads in progress (" + open + "); retry later");
            }
            return uploads.create(session);
        }).thenApply(created -> session);
    }

    /** The unexpired upload {@code narId} of {@code cache} with this {@code uploadId}; else NotFoundException. */
    CompletionStage<UploadSession> active(CachixCache cache, UUID narId, String uploadId) {
        return uploads.find(narId).thenApply(found -> {
            UploadSession session = found.filter(s -> s.cache().equals(cache.profile().name()))
                    .orElseThrow(() -> new NotFoundException("upload " + narId + " does not exist in cache "
                            + cache.profile().name() + " (finished, aborted or expired)"));
            if (uploadId == null || !MessageDigest.isEqual(uploadId.getBytes(StandardCharsets.UTF_8),
                    session.uploadId().getBytes(StandardCharsets.UTF_8))) {
                throw new NotFoundException("upload " + narId + " has another uploadId");
            }
            if (session.isExpiredAt(clock.instant())) {
                throw new NotFoundException("upload " + narId + " has expired");
            }
            return session;
        });
    }

    /** Deletes the upload and its parts. */
    CompletionStage<Void> finish(UUID narId) {
        return uploads.delete(narId).thenCompose(deleted -> parts.deleteUpload(narId));
    }

    /**
     * Deletes expired uploads with their parts, and part files that belong to no upload (left by a crash, or by a
     * part that finished after its upload was aborted). Completes with the number of uploads removed.
     */
    CompletionStage<Integer> expireAbandoned() {
        return uploads.findExpired(clock.instant(), EXPIRY_BATCH).thenCompose(expired -> {
            CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
            for (UploadSession s : expired) {
                chain = chain.thenCompose(v -> finish(s.narId()));
            }
            return chain.thenCompose(v -> parts.uploads()).thenCompose(stored -> {
                CompletionStage<Void> orphans = CompletableFuture.completedFuture(null);
                for (UUID id : stored) {
                    orphans = orphans.thenCompose(v -> uploads.find(id)).thenCompose(session -> session.isPresent()
                            ? CompletableFuture.completedFuture(null) : parts.deleteUpload(id));
                }
                return orphans;
            }).thenApply(v -> expired.size());
        });
    }

    private String randomId() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
