package dev.cacheserver.application.cachix;

import dev.cacheserver.application.port.out.PartUrlLayout;
import dev.cacheserver.application.port.in.CompletedPart;
import dev.cacheserver.application.port.in.NarInfoCreate;
import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.CompleteMultipartUpload;
import dev.cacheserver.application.port.in.StartMultipartUpload;
import dev.cacheserver.application.port.in.UploadNarParts;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.port.CacheKeyRepository;
import dev.cacheserver.domain.port.UploadPartStore;
import dev.cacheserver.domain.port.UploadRepository;
import dev.cacheserver.domain.upload.UploadSession;
import dev.cacheserver.domain.upload.UploadedPart;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The Cachix multipart NAR upload: create an upload, hand out one signed upload URL per part, receive parts
 * (any order, concurrently, the last one possibly empty), then complete through the one NAR ingest sequence
 * ({@link UploadCompletion}): parts checked against their ETags, assembled in order into a spool of the cache's NAR
 * store while hashing, FileHash/FileSize verified, the NAR published, then the narinfo (NarHash/NarSize verified by
 * decompressing), signed by the cache key and, for a self-signed cache, carrying the client's verified {@code cSig}.
 * Abort and expiry delete the parts. Nothing is published unless every check passed. Authorization is decided here:
 * every call but the part PUTs (whose signed URL is the credential) needs a token that may write the cache.
 * Thread-safe; never blocks: file work is behind the ports. Limits from {@link UploadSettings} answer
 * UnavailableException (503, retry later).
 */
public final class MultipartUploads implements StartMultipartUpload, UploadNarParts, CompleteMultipartUpload {
    private final CachixCaches caches;
    private final AccessPolicy access;
    private final UploadSessions sessions;
    private final PartAdmission admission;
    private final UploadCompletion completion;

    /** {@code layout} spells upload URLs for the route that receives the parts. */
    public MultipartUploads(CachixCaches caches, AccessPolicy access, UploadRepository uploads, UploadPartStore parts,
                            UploadCapabilities capabilities, PartUrlLayout layout, CacheKeyRepository keys,
                            UploadSettings settings, Clock clock) {
        this.caches = caches;
        this.access = access;
        this.sessions = new UploadSessions(uploads, parts, settings, clock);
        this.admission = new PartAdmission(uploads, parts, capabilities, layout, settings, clock);
        this.completion = new UploadCompletion(uploads, parts, sessions, new ClientSignature(keys), settings);
    }

    /** As {@link #start}, for callers holding the token itself. */
    public CompletionStage<UploadSession> create(String cacheName, Optional<String> token, String compression) {
        return start(new StartUploadCommand(new Caller(token), cacheName, compression));
    }

    @Override
    public CompletionStage<UploadSession> start(StartUploadCommand command) {
        String compression = command.compression();
        try {
            CachixCache cache = writable(command.cacheName(), command.caller());
            Compression method = compression == null ? cache.preferred() : switch (compression) {
                case "xz" -> Compression.XZ;
                case "zst" -> Compression.ZSTD;
                default -> throw new InvalidInputException("compression must be xz or zst, got "
                        + abbreviate(compression));
            };
            return sessions.open(cache, method);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** As {@link #partUrl(PartUrlCommand)}, for callers holding the token itself. */
    public CompletionStage<URI> partUrl(String cacheName, Optional<String> token, UUID narId, String uploadId,
                                        int partNumber, String contentMd5) {
        return partUrl(new PartUrlCommand(new Caller(token), cacheName, narId, uploadId, partNumber, contentMd5));
    }

    @Override
    public CompletionStage<URI> partUrl(PartUrlCommand command) {
        try {
            CachixCache cache = writable(command.cacheName(), command.caller());
            PartAdmission.checkPart(command.partNumber(), command.contentMd5());
            return sessions.active(cache, command.narId(), command.uploadId()).thenApply(session ->
                    admission.partUrl(cache, session, command.partNumber(), command.contentMd5()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletionStage<PartTransfer> beginPart(BeginPartCommand command) {
        return admission.begin(command);
    }

    @Override
    public CompletionStage<UploadedPart> finishPart(PartTransfer transfer, byte[] md5, long size) {
        return admission.finish(transfer, md5, size);
    }

    @Override
    public CompletionStage<Void> abandonPart(PartTransfer transfer) {
        return admission.abandon(transfer);
    }

    /** As {@link #complete(CompleteUploadCommand)}, for callers holding the token itself. */
    public CompletionStage<Outcome> complete(String cacheName, Optional<String> token, UUID narId, String uploadId,
                                             Optional<List<CompletedPart>> listed, NarInfoCreate create) {
        return complete(new CompleteUploadCommand(new Caller(token), cacheName, narId, uploadId, listed, create));
    }

    @Override
    public CompletionStage<Outcome> complete(CompleteUploadCommand command) {
        CachixCache cache;
        try {
            cache = writable(command.cacheName(), command.caller());
            if (command.create() == null) {
                throw new InvalidInputException("narInfoCreate is missing");
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return sessions.active(cache, command.narId(), command.uploadId())
                .thenCompose(session -> completion.complete(cache, session, command.listed(), command.create()));
    }

    /** As {@link #abort(AbortUploadCommand)}, for callers holding the token itself. */
    public CompletionStage<Void> abort(String cacheName, Optional<String> token, UUID narId, String uploadId) {
        return abort(new AbortUploadCommand(new Caller(token), cacheName, narId, uploadId));
    }

    @Override
    public CompletionStage<Void> abort(AbortUploadCommand command) {
        try {
            CachixCache cache = writable(command.cacheName(), command.caller());
            return sessions.active(cache, command.narId(), command.uploadId())
                    .thenCompose(session -> sessions.finish(command.narId()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Deletes expired uploads with their parts, and part files that belong to no upload (left by a crash, or
     * by a part that finished after its upload was aborted). Completes with the number of uploads removed.
     */
    public CompletionStage<Integer> expireAbandoned() {
        return sessions.expireAbandoned();
    }

    static List<Integer> chooseParts(Optional<List<CompletedPart>> listed, List<UploadedPart> stored) {
        return PartChoice.choose(listed, stored);
    }

    private CachixCache writable(String cacheName, Caller caller) {
        CachixCache cache = caches.find(cacheName);
        access.check(cache.profile(), Permission.WRITE, caller.token());
        return cache;
    }

    private static String abbreviate(String s) {
        return s.length() > 20 ? s.substring(0, 20) + "..." : s;
    }
}
