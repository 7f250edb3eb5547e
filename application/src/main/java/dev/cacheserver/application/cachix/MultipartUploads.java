package dev.cacheserver.application.cachix;

import dev.cacheserver.application.AccessPolicy;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.error.HashMismatchException;
import dev.cacheserver.domain.error.ConflictException;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.error.PermissionDeniedException;
import dev.cacheserver.domain.error.UnavailableException;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.CacheKeyRepository;
import dev.cacheserver.domain.port.NarContentHasher.NarDigest;
import dev.cacheserver.domain.port.SpoolProgress;
import dev.cacheserver.domain.port.UploadPartStore;
import dev.cacheserver.domain.port.UploadRepository;
import dev.cacheserver.domain.signing.NarSignature;
import dev.cacheserver.domain.signing.PublicSigningKey;
import dev.cacheserver.domain.upload.UploadSession;
import dev.cacheserver.domain.upload.UploadedPart;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * The Cachix multipart NAR upload: create an upload, hand out one signed upload URL per part, receive parts
 * (any order, concurrently, the last one possibly empty), then complete: check the parts and their ETags,
 * assemble them in order into a spool file of the cache's NAR store while hashing, verify FileHash/FileSize,
 * publish the NAR, and publish the narinfo (which verifies NarHash/NarSize by decompressing), signed by the
 * cache key and, for a self-signed cache, carrying the client's verified {@code cSig}. Abort and expiry
 * delete the parts. Nothing is published unless every check passed. Thread-safe; never blocks: file work is
 * behind the ports. Limits from {@link UploadSettings} answer UnavailableException (503, retry later).
 */
public final class MultipartUploads {
    private static final int EXPIRY_BATCH = 500;
    private final CachixCaches caches;
    private final AccessPolicy access;
    private final UploadRepository uploads;
    private final UploadPartStore parts;
    private final UploadCapabilities capabilities;
    private final CacheKeyRepository keys;
    private final UploadSettings settings;
    private final Clock clock;
    private final Semaphore transfers;
    private final BoundedConcurrency completions;
    private final SecureRandom random = new SecureRandom();

    /** How a completed upload ended. */
    public enum Outcome {
        /** The NAR and its narinfo are published. */
        PUBLISHED,
        /** The cache already had a narinfo for this store path: nothing changed, the upload was dropped. */
        ALREADY_PRESENT
    }

    public MultipartUploads(CachixCaches caches, AccessPolicy access, UploadRepository uploads, UploadPartStore parts,
                            UploadCapabilities capabilities, CacheKeyRepository keys, UploadSettings settings,
                            Clock clock) {
        this.caches = caches;
        this.access = access;
        this.uploads = uploads;
        this.parts = parts;
        this.capabilities = capabilities;
        this.keys = keys;
        this.settings = settings;
        this.clock = clock;
        this.transfers = new Semaphore(settings.maxPartTransfers());
        this.completions = new BoundedConcurrency(settings.maxCompletions(), settings.maxWaitingCompletions());
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
            Instant now = clock.instant();
            UploadSession session = new UploadSession(UUID.randomUUID(), randomId(), cache.profile().name(), method, now,
                    now.plus(settings.uploadExpiry()));
            return uploads.count().thenCompose(open -> {
                if (open >= settings.maxOpenUploads()) {
                    throw new UnavailableException("too many uploads in progress (" + open + "); retry later");
                }
                return uploads.create(session);
            }).thenApply(created -> session);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The upload URL for one part, bound to its content MD5 (base64 of 16 bytes) and valid for a limited time. */
    public CompletionStage<URI> partUrl(String cacheName, Optional<String> token, UUID narId, String uploadId,
                                        int partNumber, String contentMd5) {
        try {
            CachixCache cache = writable(cacheName, token);
            checkPartNumber(partNumber);
            md5Bytes(contentMd5);
            return activeSession(cache, narId, uploadId).thenApply(session -> {
                Instant expires = clock.instant().plus(settings.partUrlExpiry());
                if (expires.isAfter(session.expiresAt())) {
                    expires = session.expiresAt();
                }
                PartGrant grant = new PartGrant(narId, partNumber, contentMd5, expires.getEpochSecond());
                String base = cache.profile().publicUrl().toString();
                if (base.endsWith("/")) {
                    base = base.substring(0, base.length() - 1);
                }
                return URI.create(base + PartGrant.PATH_PREFIX + narId + "/" + partNumber
                        + "?md5=" + URLEncoder.encode(contentMd5, StandardCharsets.UTF_8)
                        + "&expires=" + grant.expiresEpochSecond() + "&sig=" + capabilities.sign(grant));
            });
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
                    .thenApply(spool -> new PartTransfer(grant, spool, transfers::release))
                    .whenComplete((t, e) -> {
                        if (e != null) {
                            transfers.release();
                        }
                    });
        });
    }

    /** Keeps a fully received part whose bytes hash to {@code md5}; a mismatch discards it (HashMismatch, 400). */
    public CompletionStage<UploadedPart> finishPart(PartTransfer transfer, byte[] md5, long size) {
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

    /** Drops a part whose transfer failed. */
    public CompletionStage<Void> abandonPart(PartTransfer transfer) {
        return parts.discard(transfer.spool()).whenComplete((v, e) -> transfer.release());
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
        return activeSession(cache, narId, uploadId).thenCompose(session -> {
            NarInfo info = create.toNarInfo(session.compression());
            return cache.narInfos().serving().find(info.storePath().hash()).thenCompose(existing -> {
                if (existing.isPresent() && !existing.get().narHash().equals(info.narHash())) {
                    // A store path is immutable in a cache: the upload stays, so the client may retry correctly.
                    throw new ConflictException(info.storePath().fullPath() + " is already in cache "
                            + cacheName + " with NarHash " + existing.get().narHash()
                            + "; a store path is immutable (an admin can remove it first)");
                }
                if (existing.isPresent()) {
                    // Idempotent: the path is there already; keep what is served and drop this upload.
                    return finish(narId).thenApply(v -> Outcome.ALREADY_PRESENT);
                }
                return withClientSignature(cache, info, create.signature())
                        .thenCompose(signed -> uploads.parts(narId).thenCompose(stored -> {
                            List<Integer> order = chooseParts(listed, stored);
                            return completions.submit("uploads being completed",
                                    () -> assembleAndPublish(cache, narId, signed, order));
                        }));
            });
        });
    }

    /** Discards an upload and its parts. */
    public CompletionStage<Void> abort(String cacheName, Optional<String> token, UUID narId, String uploadId) {
        try {
            CachixCache cache = writable(cacheName, token);
            return activeSession(cache, narId, uploadId).thenCompose(session -> finish(narId));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Deletes expired uploads with their parts, and part files that belong to no upload (left by a crash, or
     * by a part that finished after its upload was aborted). Completes with the number of uploads removed.
     */
    public CompletionStage<Integer> expireAbandoned() {
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

    private CompletionStage<Outcome> assembleAndPublish(CachixCache cache, UUID narId, NarInfo info, List<Integer> order) {
        return cache.store().createSpoolFile().thenCompose(spool -> {
            // The content is digested while the parts are assembled, so the narinfo's check needs no second pass.
            SpoolProgress progress = new SpoolProgress(spool);
            Optional<CompletionStage<NarDigest>> content = cache.narInfos().uploadDigests().digestWhileUploaded(progress,
                    info.compression());
            return onFailureReport(
                    parts.assemble(narId, order, progress).thenApply(assembled -> {
                        if (assembled.size() != info.fileSize()) {
                            throw new HashMismatchException("cFileSize is " + info.fileSize() + " but the parts hold "
                                    + assembled.size() + " bytes");
                        }
                        if (!assembled.sha256().equals(info.fileHash())) {
                            throw new HashMismatchException("cFileHash is " + info.fileHash().hex()
                                    + " but the parts hash to " + assembled.sha256().hex());
                        }
                        content.ifPresent(digest -> cache.narInfos().uploadDigests().remember(info.narFile(), digest));
                        return assembled;
                    }),
                    // The parts cannot make a valid NAR: drop the upload rather than keep its bytes until expiry.
                    // A storage out of space is reported by name (507) through abandon.
                    failure -> cache.store().abandon(spool, failure)
                            .thenCompose(reported -> finish(narId).handle((v, e) -> reported)))
                    .thenCompose(assembled -> cache.store().locate(info.narFile()))
                    .thenCompose(before -> cache.store().publish(spool, info.narFile()).thenCompose(published -> onFailure(
                            cache.narInfos().publishing().publish(info),
                            // A NAR that only this upload brought must not outlive its rejected narinfo.
                            () -> (before.isPresent() ? CompletableFuture.completedFuture(null)
                                    : cache.store().delete(info.narFile())).thenCompose(v -> finish(narId)))));
        })
                .thenCompose(published -> finish(narId))
                .thenApply(v -> Outcome.PUBLISHED);
    }

    private CompletionStage<NarInfo> withClientSignature(CachixCache cache, NarInfo info, Optional<byte[]> signature) {
        if (signature.isEmpty()) {
            return CompletableFuture.completedFuture(info);
        }
        return keys.keys(cache.profile().name()).thenApply(registered -> {
            if (registered.isEmpty()) {
                throw new InvalidInputException("cSig was sent but cache " + cache.profile().name()
                        + " has no registered public key (run cachix generate-keypair)");
            }
            String fingerprint = info.fingerprint();
            for (PublicSigningKey key : registered) {
                NarSignature sig = new NarSignature(key.name(), signature.get());
                if (key.verifies(sig, fingerprint)) {
                    return info.withSignatures(List.of(sig));
                }
            }
            throw new InvalidInputException("cSig does not verify against the public keys registered for cache "
                    + cache.profile().name());
        });
    }

    static List<Integer> chooseParts(Optional<List<CompletedPart>> listed, List<UploadedPart> stored) {
        Map<Integer, UploadedPart> byNumber = new TreeMap<>();
        stored.forEach(p -> byNumber.put(p.partNumber(), p));
        List<Integer> order = new ArrayList<>();
        if (listed.isPresent()) {
            List<CompletedPart> sorted = new ArrayList<>(listed.get());
            if (sorted.isEmpty()) {
                throw new InvalidInputException("parts must not be empty (send null to use the received parts)");
            }
            sorted.sort(Comparator.comparingInt(CompletedPart::partNumber));
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < sorted.size(); i++) {
                CompletedPart p = sorted.get(i);
                if (p.partNumber() != i + 1 || !seen.add(p.partNumber())) {
                    throw new InvalidInputException("parts must be numbered 1.." + sorted.size() + " without gaps");
                }
                UploadedPart have = byNumber.get(p.partNumber());
                if (have == null) {
                    throw new InvalidInputException("part " + p.partNumber() + " was not uploaded");
                }
                if (!have.md5Hex().equalsIgnoreCase(unquote(p.eTag()))) {
                    throw new InvalidInputException("the ETag of part " + p.partNumber()
                            + " does not match the part that was uploaded");
                }
                order.add(p.partNumber());
            }
            return order;
        }
        if (byNumber.isEmpty()) {
            throw new InvalidInputException("no part was uploaded");
        }
        int expected = 1;
        for (int n : byNumber.keySet()) {
            if (n != expected) {
                throw new InvalidInputException("part " + expected + " was not uploaded");
            }
            order.add(n);
            expected++;
        }
        return order;
    }

    private CompletionStage<UploadSession> activeSession(CachixCache cache, UUID narId, String uploadId) {
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

    private CompletionStage<Void> finish(UUID narId) {
        return uploads.delete(narId).thenCompose(deleted -> parts.deleteUpload(narId));
    }

    private CachixCache writable(String cacheName, Optional<String> token) {
        CachixCache cache = caches.find(cacheName);
        access.check(cache.profile(), Permission.WRITE, token);
        return cache;
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

    private static String unquote(String eTag) {
        String t = eTag == null ? "" : eTag.strip();
        if (t.startsWith("W/")) {
            t = t.substring(2);
        }
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            t = t.substring(1, t.length() - 1);
        }
        return t;
    }

    private String randomId() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String abbreviate(String s) {
        return s.length() > 20 ? s.substring(0, 20) + "..." : s;
    }

    /** Runs {@code cleanup} when {@code stage} fails, then fails with the original cause. */
    private static <T> CompletionStage<T> onFailure(CompletionStage<T> stage, Supplier<CompletionStage<?>> cleanup) {
        return stage.handle((value, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(value);
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            return cleanup.get().handle((ignored, cleanupFailure) -> (T) null)
                    .thenCompose(ignored -> CompletableFuture.<T>failedFuture(cause));
        }).thenCompose(s -> s);
    }

    /** As above, but the cleanup answers the failure to report (e.g. a full disk named by its storage). */
    private static <T> CompletionStage<T> onFailureReport(CompletionStage<T> stage,
            java.util.function.Function<Throwable, CompletionStage<Throwable>> cleanup) {
        return stage.handle((value, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(value);
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            return cleanup.apply(cause).handle((reported, cleanupFailure) -> reported == null ? cause : reported)
                    .thenCompose(reported -> CompletableFuture.<T>failedFuture(reported));
        }).thenCompose(s -> s);
    }
}
