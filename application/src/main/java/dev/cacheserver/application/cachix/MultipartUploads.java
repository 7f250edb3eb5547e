package dev.cacheserver.application.cachix;

import dev.cacheserver.application.AccessPolicy;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.CacheName;
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
public final class MultipartUploads {
    private final CachixCaches caches;
    private final AccessPolicy access;
    private final UploadSessions sessions;
    private final PartAdmission admission;
    private final UploadCompletion completion;

    /** How a completed upload ended. */
    public enum Outcome {
        /** The NAR and its narinfo are published. */
        PUBLISHED,
        /** The cache already had a narinfo for this store path: nothing changed, the upload was dropped. */
        ALREADY_PRESENT
    }

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

    /** {@code compression} is the query value: {@code xz} or {@code zst} (null: the cache's preference). */
    public CompletionStage<UploadSession> create(String cacheName, Optional<String> token, String compression) {
        try {
            CachixCache cache = writable(cacheName, token);
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

    /** The upload URL for one part, bound to its content MD5 (base64 of 16 bytes) and valid for a limited time. */
    public CompletionStage<URI> partUrl(String cacheName, Optional<String> token, UUID narId, String uploadId,
                                        int partNumber, String contentMd5) {
        try {
            CachixCache cache = writable(cacheName, token);
            PartAdmission.checkPart(partNumber, contentMd5);
            return sessions.active(cache, narId, uploadId)
                    .thenApply(session -> admission.partUrl(cache, session, partNumber, contentMd5));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Admits a part PUT that arrived on {@code portCache}'s port: the URL must be signed by us and unexpired,
     * the Content-MD5 header must be the one it was signed for, and the upload must still be open.
     */
    public CompletionStage<PartTransfer> beginPart(CacheName portCache, PartGrant grant, String signature,
                                                   String contentMd5Header) {
        return admission.begin(portCache, grant, signature, contentMd5Header);
    }

    /** Keeps a fully received part whose bytes hash to {@code md5}; a mismatch discards it (HashMismatch, 400). */
    public CompletionStage<UploadedPart> finishPart(PartTransfer transfer, byte[] md5, long size) {
        return admission.finish(transfer, md5, size);
    }

    /** Drops a part whose transfer failed. */
    public CompletionStage<Void> abandonPart(PartTransfer transfer) {
        return admission.abandon(transfer);
    }

    /**
     * Completes an upload. {@code listed} is the client's {@code parts} (absent when it sent null: then the
     * stored parts are used, and they must be 1..N without gaps).
     */
    public CompletionStage<Outcome> complete(String cacheName, Optional<String> token, UUID narId, String uploadId,
                                             Optional<List<CompletedPart>> listed, NarInfoCreate create) {
        CachixCache cache;
        try {
            cache = writable(cacheName, token);
            if (create == null) {
                throw new InvalidInputException("narInfoCreate is missing");
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return sessions.active(cache, narId, uploadId)
                .thenCompose(session -> completion.complete(cache, session, listed, create));
    }

    /** Discards an upload and its parts. */
    public CompletionStage<Void> abort(String cacheName, Optional<String> token, UUID narId, String uploadId) {
        try {
            CachixCache cache = writable(cacheName, token);
            return sessions.active(cache, narId, uploadId).thenCompose(session -> sessions.finish(narId));
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

    private CachixCache writable(String cacheName, Optional<String> token) {
        CachixCache cache = caches.find(cacheName);
        access.check(cache.profile(), Permission.WRITE, token);
        return cache;
    }

    private static String abbreviate(String s) {
        return s.length() > 20 ? s.substring(0, 20) + "..." : s;
    }
}
