package dev.cacheserver.application.cachix;

import dev.cacheserver.application.ingest.NarIngestion;
import dev.cacheserver.application.port.in.CompleteMultipartUpload;
import dev.cacheserver.application.port.in.CompletedPart;
import dev.cacheserver.application.port.in.NarClaim;
import dev.cacheserver.application.port.in.NarInfoCreate;
import dev.cacheserver.application.port.in.NarOrigin;
import dev.cacheserver.application.port.in.SpooledBytes;
import dev.cacheserver.domain.error.ConflictException;
import dev.cacheserver.domain.error.Failures;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.UploadPartStore;
import dev.cacheserver.domain.port.UploadRepository;
import dev.cacheserver.domain.upload.UploadSession;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Completes a multipart upload: a store path the cache holds with another NarHash is a conflict (409, the upload
 * stays so the client may retry), the same one is idempotent; otherwise the client's {@code cSig} is checked, the
 * parts are chosen, and the upload goes through the cache's {@link NarIngestion} with its parts assembled into the
 * spool: verify FileSize and FileHash, publish the NAR, publish the narinfo (which verifies NarHash and NarSize).
 * Completions are bounded ({@link BoundedConcurrency}). A finished upload is deleted, whether it was published or
 * could not be. Thread-safe; never blocks.
 */
final class UploadCompletion {
    private final UploadRepository uploads;
    private final UploadPartStore parts;
    private final UploadSessions sessions;
    private final ClientSignature signatures;
    private final BoundedConcurrency completions;

    UploadCompletion(UploadRepository uploads, UploadPartStore parts, UploadSessions sessions,
                     ClientSignature signatures, UploadSettings settings) {
        this.uploads = uploads;
        this.parts = parts;
        this.sessions = sessions;
        this.signatures = signatures;
        this.completions = new BoundedConcurrency(settings.maxCompletions(), settings.maxWaitingCompletions());
    }

    CompletionStage<CompleteMultipartUpload.Outcome> complete(CachixCache cache, UploadSession session,
                                                       Optional<List<CompletedPart>> listed, NarInfoCreate create) {
        UUID narId = session.narId();
        NarInfo info = create.toNarInfo(session.compression());
        return cache.narInfos().serving().find(info.storePath().hash()).thenCompose(existing -> {
            if (existing.isPresent() && !existing.get().narHash().equals(info.narHash())) {
                // A store path is immutable in a cache: the upload stays, so the client may retry correctly.
                throw new ConflictException(info.storePath().fullPath() + " is already in cache "
                        + cache.profile().name() + " with NarHash " + existing.get().narHash()
                        + "; a store path is immutable (an admin can remove it first)");
            }
            if (existing.isPresent()) {
                // Idempotent: the path is there already; keep what is served and drop this upload.
                return sessions.finish(narId).thenApply(v -> CompleteMultipartUpload.Outcome.ALREADY_PRESENT);
            }
            return signatures.apply(cache, info, create.signature())
                    .thenCompose(signed -> uploads.parts(narId).thenCompose(stored -> {
                        List<Integer> order = PartChoice.choose(listed, stored);
                        return completions.submit("uploads being completed",
                                () -> ingest(cache, narId, signed, order));
                    }));
        });
    }

    private CompletionStage<CompleteMultipartUpload.Outcome> ingest(CachixCache cache, UUID narId, NarInfo info,
                                                             List<Integer> order) {
        NarIngestion ingestion = new NarIngestion(cache.store(), cache.narInfos().uploadDigests());
        NarClaim claim = new NarClaim(info.narFile(), OptionalLong.of(info.fileSize()), Long.MAX_VALUE,
                NarOrigin.CACHIX_PARTS);
        // The content is digested while the parts are assembled, so the narinfo's check needs no second pass.
        return ingestion.open(claim, true).thenCompose(spool -> ingestion.ingest(spool,
                        parts.assemble(narId, order, spool.progress())
                                .thenApply(assembled -> new SpooledBytes(assembled.sha256(), assembled.size())),
                        () -> cache.narInfos().publishing().publish(info))
                // Whatever the outcome, the parts are done with: a failed upload cannot become valid by waiting.
                .handle((published, failure) -> sessions.finish(narId).handle((v, e) -> failure == null
                        ? CompletableFuture.completedFuture(CompleteMultipartUpload.Outcome.PUBLISHED)
                        : CompletableFuture.<CompleteMultipartUpload.Outcome>failedFuture(Failures.cause(failure)))
                        .thenCompose(s -> s))
                .thenCompose(s -> s));
    }
}
