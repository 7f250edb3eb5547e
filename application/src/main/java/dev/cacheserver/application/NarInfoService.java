package dev.cacheserver.application;

import dev.cacheserver.domain.error.HashMismatchException;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.narinfo.NarInfoText;
import dev.cacheserver.domain.port.NarContentHasher;
import dev.cacheserver.domain.port.NarContentHasher.NarDigest;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.port.SpoolProgress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ForkJoinPool;

/**
 * The narinfos of one cache: served from an in-memory index that {@link #start()} fills from the repository,
 * published after every byte of the NAR behind them has been checked. Stateless apart from the index;
 * thread-safe; never blocks.
 */
public final class NarInfoService implements GetNarInfoUseCase, PublishNarInfoUseCase {
    private final CacheProfile cache;
    private final NarInfoRepository repository;
    private final NarStore store;
    private final NarContentHasher hasher;
    private final NarInfoIndex index = new NarInfoIndex();
    private final UploadedNarDigests uploadedDigests = new UploadedNarDigests();
    private final AccessLog accessLog = new AccessLog();
    private final Clock clock;
    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

    /** Told after a narinfo is published (saved and served) or deleted; must not block (e.g. DHT announcements). */
    public interface Listener {
        void published(NarInfo info);

        default void deleted(StorePathHash hash) {
        }
    }

    public NarInfoService(CacheProfile cache, NarInfoRepository repository, NarStore store, NarContentHasher hasher) {
        this(cache, repository, store, hasher, Clock.systemUTC());
    }

    public NarInfoService(CacheProfile cache, NarInfoRepository repository, NarStore store, NarContentHasher hasher,
                          Clock clock) {
        this.clock = clock;
        this.cache = cache;
        this.repository = repository;
        this.store = store;
        this.hasher = hasher;
    }

    /**
     * Starts digesting a NAR while it is uploaded into {@code spool} (nothing to do for an uncompressed NAR, whose
     * NarHash is its FileHash). Hand the result to {@link #rememberUploadedContent} once the FileHash is checked.
     */
    public Optional<CompletionStage<NarDigest>> digestWhileUploaded(SpoolProgress spool, Compression compression) {
        if (compression == Compression.NONE) {
            return Optional.empty();
        }
        return hasher.digestWhileWritten(spool, compression);
    }

    /** The content digest of an uploaded NAR whose FileHash matched: its narinfo is then checked against it. */
    public void rememberUploadedContent(NarFile file, CompletionStage<NarDigest> digest) {
        uploadedDigests.remember(file, digest);
    }

    /** Loads every stored narinfo into memory, re-signed if the cache key changed since it was saved. */
    public CompletionStage<Integer> start() {
        return start(false);
    }

    /**
     * Loads every stored narinfo into memory. With {@code trustOwnSignatures} (the caller knows the cache key
     * has not changed since the rows were signed) a signature under the cache's key name is taken as valid;
     * otherwise each is verified and the narinfo re-signed when needed. Ed25519 costs about a millisecond per
     * operation in the JDK, so verifying 100k narinfos at every start would take minutes. Runs off the calling
     * thread (the work is CPU-bound) and in parallel.
     */
    public CompletionStage<Integer> start(boolean trustOwnSignatures) {
        String keyName = cache.signingKey().name();
        return repository.findAll(cache.name()).thenApplyAsync(all -> {
            List<NarInfo> resigned = java.util.Collections.synchronizedList(new ArrayList<>());
            all.parallelStream().forEach(info -> {
                boolean ours = trustOwnSignatures
                        && info.signatures().stream().anyMatch(sig -> sig.keyName().equals(keyName));
                NarInfo served = ours ? info : signedByCache(info);
                if (served != info) {
                    resigned.add(served);
                }
                index.put(served);
            });
            return resigned;
        }, ForkJoinPool.commonPool()).thenCompose(resigned -> {
            // Stored rows must carry the signature that is served, so the next start can trust them.
            CompletionStage<Void> saves = CompletableFuture.completedFuture(null);
            for (NarInfo info : resigned) {
                saves = saves.thenCompose(v -> repository.save(cache.name(), info));
            }
            return saves.thenApply(v -> index.size());
        });
    }

    @Override
    public Optional<byte[]> lookup(StorePathHash hash) {
        NarInfoIndex.Entry entry = index.get(hash).orElse(null);
        if (entry == null) {
            return Optional.empty();
        }
        accessLog.record(hash, clock.millis());
        return Optional.of(entry.rendered());
    }

    /** A NAR download counts as an access of the path it belongs to (retention is measured from reads). */
    @Override
    public void recordNarRead(NarFile file) {
        index.pathOf(file).ifPresent(hash -> accessLog.record(hash, clock.millis()));
    }

    /** Writes the reads recorded in memory to the repository (periodically, before a sweep, at shutdown). */
    public CompletionStage<Void> flushAccessTimes() {
        Map<StorePathHash, Instant> batch = accessLog.drain();
        return repository.touch(cache.name(), batch).whenComplete((ok, failure) -> {
            if (failure != null) {
                accessLog.restore(batch);
            }
        });
    }

    /** True when {@code hash} was read at or after {@code since} (reads not yet written to the repository). */
    public boolean readSince(StorePathHash hash, Instant since) {
        return accessLog.readSince(hash, since);
    }

    /**
     * {@link #remove} for many paths: all stop being served, then their rows go in one transaction, then the
     * listeners hear of each. Returns the removed narinfos.
     */
    public CompletionStage<List<NarInfo>> removeAll(List<StorePathHash> hashes) {
        List<NarInfo> removed = new ArrayList<>();
        for (StorePathHash hash : hashes) {
            index.remove(hash).ifPresent(removed::add);
        }
        return repository.deleteAll(cache.name(), hashes).thenApply(count -> {
            hashes.forEach(hash -> listeners.forEach(l -> l.deleted(hash)));
            return removed;
        });
    }

    /** The narinfo served for {@code hash}, if any. */
    public Optional<NarInfo> find(StorePathHash hash) {
        return index.get(hash).map(NarInfoIndex.Entry::info);
    }

    /** True while some served narinfo points at {@code file}: such a NAR must never be deleted. */
    public boolean isNarInUse(NarFile file) {
        return index.isInUse(file);
    }

    /**
     * Stops serving {@code hash}, then deletes its row and tells the listeners (the DHT withdraws it). The NAR
     * is left to the caller, who deletes it once no narinfo uses it: a served narinfo never points at a
     * missing NAR. Returns the removed narinfo.
     */
    public CompletionStage<Optional<NarInfo>> remove(StorePathHash hash) {
        Optional<NarInfo> removed = index.remove(hash);
        return repository.delete(cache.name(), hash).thenApply(deleted -> {
            if (removed.isPresent() || deleted) {
                listeners.forEach(l -> l.deleted(hash));
            }
            return removed;
        });
    }

    public int size() {
        return index.size();
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** The store path hashes served right now (a snapshot), e.g. to announce them to the cluster. */
    public Set<StorePathHash> hashes() {
        return index.hashes();
    }

    @Override
    public CompletionStage<NarInfo> publish(StorePathHash urlHash, String narInfoText) {
        NarInfo parsed;
        try {
            parsed = NarInfoText.parse(narInfoText);
            checkName(urlHash, parsed);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return publish(parsed);
    }

    /**
     * Publishes an already parsed narinfo (the Cachix flow builds one from JSON): the NAR must be stored, its
     * size and content must match, then the narinfo is signed with the cache key, saved and served.
     */
    public CompletionStage<NarInfo> publish(NarInfo info) {
        return store.locate(info.narFile())
                .thenCompose(location -> verifyContent(info, location.orElseThrow(() -> new InvalidInputException(
                        "the NAR " + info.narFile().url() + " is not in this cache: upload it before its narinfo"))))
                .thenCompose(verified -> {
                    NarInfo signed = info.signedBy(cache.signingKey());
                    return repository.save(cache.name(), signed).thenApply(saved -> {
                        index.put(signed);
                        listeners.forEach(l -> l.published(signed));
                        return signed;
                    });
                });
    }

    private static void checkName(StorePathHash urlHash, NarInfo info) {
        if (!info.storePath().hash().equals(urlHash)) {
            throw new InvalidInputException("StorePath " + info.storePath().fullPath()
                    + " does not match the narinfo name " + urlHash + ".narinfo");
        }
    }

    private static void checkUncompressedSizes(NarInfo info) {
        if (info.compression() == Compression.NONE) {
            if (!info.fileHash().equals(info.narHash())) {
                throw new HashMismatchException("FileHash must equal NarHash for an uncompressed NAR (FileHash "
                        + info.fileHash() + ", NarHash " + info.narHash() + ")");
            }
            if (info.fileSize() != info.narSize()) {
                throw new HashMismatchException("FileSize must equal NarSize for an uncompressed NAR (FileSize "
                        + info.fileSize() + ", NarSize " + info.narSize() + ")");
            }
        }
    }

    /**
     * The digest made while the NAR was uploaded when there is one; otherwise (or when that one could not finish,
     * e.g. its reader was stopped) the stored NAR is decompressed now. Data that does not decompress fails the
     * same either way.
     */
    private CompletionStage<NarDigest> contentDigest(NarInfo info, NarLocation location) {
        Optional<CompletionStage<NarDigest>> uploaded = uploadedDigests.find(info.narFile());
        if (uploaded.isEmpty()) {
            return hasher.digest(location, info.compression());
        }
        return uploaded.get().handle((digest, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(digest);
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof HashMismatchException) {
                return CompletableFuture.<NarDigest>failedFuture(cause);
            }
            return hasher.digest(location, info.compression());
        }).thenCompose(stage -> stage);
    }

    /**
     * The NAR's file name is the hash of its bytes (checked at upload), so FileHash holds once the names match;
     * FileSize is checked against the stored size, NarHash and NarSize by decompressing. A re-upload of the
     * same content (e.g. {@code nix store sign} adding a signature) is not decompressed again.
     */
    private CompletionStage<Void> verifyContent(NarInfo info, NarLocation location) {
        try {
            checkUncompressedSizes(info);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (location.size() != info.fileSize()) {
            return CompletableFuture.failedFuture(new HashMismatchException("FileSize mismatch: the narinfo says "
                    + info.fileSize() + " bytes but " + info.narFile().url() + " has " + location.size()));
        }
        boolean known = index.get(info.storePath().hash()).map(e -> e.info().describesSameContent(info)).orElse(false);
        if (known || info.compression() == Compression.NONE) {
            return CompletableFuture.completedFuture(null);
        }
        return contentDigest(info, location).thenAccept(digest -> {
            if (!digest.narHash().equals(info.narHash())) {
                throw new HashMismatchException("NarHash mismatch: the narinfo says " + info.narHash()
                        + " but " + info.narFile().url() + " decompresses to " + digest.narHash());
            }
            if (digest.narSize() != info.narSize()) {
                throw new HashMismatchException("NarSize mismatch: the narinfo says " + info.narSize()
                        + " but " + info.narFile().url() + " decompresses to " + digest.narSize() + " bytes");
            }
        });
    }

    private NarInfo signedByCache(NarInfo info) {
        return info.signatureBy(cache.signingKey().publicKey()).isPresent() ? info : info.signedBy(cache.signingKey());
    }
}
