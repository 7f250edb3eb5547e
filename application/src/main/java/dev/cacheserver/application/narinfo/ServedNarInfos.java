package dev.cacheserver.application.narinfo;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.support.ExpiringMap;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.narinfo.NarInfoText;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.signing.SecretSigningKey;
import dev.cacheserver.domain.signing.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Use case: serve the narinfos of one cache. A hit in the bounded cache of rendered, signed narinfos answers at
 * once; otherwise one primary-key lookup in the repository (off the calling thread) answers, and the result is
 * cached: found narinfos by bytes, misses for a few seconds. This node's publishes and removals update both caches;
 * a lookup that raced with one of them is answered but not cached.
 *
 * <p>Signing: a stored narinfo is served with a signature by every active key of the cache and none by a retired
 * one (see {@link dev.cacheserver.domain.signing.SigningKeys}). When the keys may have changed since the rows were
 * signed ({@code trustOwnSignatures} false), the signatures are verified on first serve and the narinfo re-signed
 * and saved when they do not match the keys; {@link #resignAll} does the same for every row in the background.
 * The rendered cache only ever holds narinfos signed that way. Thread-safe; never blocks.
 */
public final class ServedNarInfos implements GetNarInfoUseCase {
    public static final long DEFAULT_CACHE_BYTES = 64L << 20;
    static final Duration MISS_TTL = Duration.ofSeconds(5);
    static final int MAX_MISSES = 65_536;
    private static final Optional<byte[]> NONE = Optional.empty();

    private final CacheProfile cache;
    private final NarInfoRepository repository;
    private final AccessTimes accessTimes;
    private final Clock clock;
    private final RenderedNarInfoCache rendered;
    private final ExpiringMap<StorePathHash, Boolean> misses;
    /** Bumped by every publish and removal: a lookup that began before one does not cache its answer. */
    private final AtomicLong changes = new AtomicLong();
    private volatile boolean trustOwnSignatures;

    ServedNarInfos(CacheProfile cache, NarInfoRepository repository, AccessTimes accessTimes, Clock clock, long cacheBytes,
                   boolean trustOwnSignatures) {
        this.cache = cache;
        this.repository = repository;
        this.accessTimes = accessTimes;
        this.clock = clock;
        this.rendered = new RenderedNarInfoCache(cacheBytes);
        this.misses = new ExpiringMap<>(clock, MISS_TTL, MAX_MISSES);
        this.trustOwnSignatures = trustOwnSignatures;
    }

    @Override
    public CompletionStage<Optional<byte[]>> lookup(StorePathHash hash) {
        Optional<byte[]> hit = rendered.get(hash);
        if (hit.isPresent()) {
            accessTimes.record(hash, clock.millis());
            return CompletableFuture.completedFuture(hit);
        }
        if (misses.get(hash).isPresent()) {
            return CompletableFuture.completedFuture(NONE);
        }
        long before = changes.get();
        return repository.find(cache.name(), hash).thenCompose(found -> {
            if (found.isEmpty()) {
                if (changes.get() == before) {
                    misses.put(hash, Boolean.TRUE);
                }
                return CompletableFuture.completedFuture(NONE);
            }
            accessTimes.record(hash, clock.millis());
            return signedForServing(found.get()).thenApply(info -> {
                byte[] bytes = render(info);
                if (changes.get() == before) {
                    rendered.put(hash, bytes);
                }
                return Optional.of(bytes);
            });
        });
    }

    @Override
    public void recordNarRead(NarFile file) {
        accessTimes.record(file, clock.millis());
    }

    /** The stored narinfo of {@code hash}, as saved (one key lookup; not cached). */
    public CompletionStage<Optional<NarInfo>> find(StorePathHash hash) {
        return repository.find(cache.name(), hash);
    }

    /** A narinfo this node just saved: served from now on. */
    void published(NarInfo info) {
        changes.incrementAndGet();
        misses.remove(info.storePath().hash());
        rendered.put(info.storePath().hash(), render(info));
    }

    /** Paths this node is about to delete: no longer served from memory. */
    void removing(List<StorePathHash> hashes) {
        changes.incrementAndGet();
        hashes.forEach(rendered::remove);
    }

    /** Paths this node deleted (their rows are gone): a lookup that raced with the delete is not cached. */
    void removed(List<StorePathHash> hashes) {
        changes.incrementAndGet();
        hashes.forEach(rendered::remove);
    }

    /**
     * Another replica sharing the database saved or deleted {@code hash}: neither the rendered narinfo nor a cached
     * miss is served again, and a lookup that raced with the change does not cache its answer.
     */
    void changedElsewhere(StorePathHash hash) {
        changes.incrementAndGet();
        misses.remove(hash);
        rendered.remove(hash);
    }

    /** Bytes held by the cache of rendered narinfos. */
    public long cachedBytes() {
        return rendered.bytes();
    }

    /**
     * Walks every stored narinfo in pages by key and re-signs (and saves) those not signed by exactly the cache's
     * keys (a valid signature by each active key, none by a retired one); afterwards own signatures are trusted on
     * serve. Completes with the number re-signed.
     */
    public CompletionStage<Integer> resignAll(int pageSize) {
        return resignFrom(Optional.empty(), pageSize, 0).thenApply(count -> {
            trustOwnSignatures = true;
            return count;
        });
    }

    private CompletionStage<Integer> resignFrom(Optional<StorePathHash> after, int pageSize, int resigned) {
        return repository.hashesAfter(cache.name(), after, pageSize).thenCompose(page -> {
            if (page.isEmpty()) {
                return CompletableFuture.completedFuture(resigned);
            }
            CompletionStage<Integer> chain = CompletableFuture.completedFuture(resigned);
            for (StorePathHash hash : page) {
                chain = chain.thenCompose(count -> repository.find(cache.name(), hash).thenCompose(found -> {
                    if (found.isEmpty() || found.get().isSignedBy(cache.signingKeys())) {
                        return CompletableFuture.completedFuture(count);
                    }
                    return save(found.get().signedBy(cache.signingKeys())).thenApply(saved -> count + 1);
                }));
            }
            return chain.thenCompose(count -> resignFrom(Optional.of(page.get(page.size() - 1)), pageSize, count));
        });
    }

    private CompletionStage<NarInfo> signedForServing(NarInfo info) {
        SigningKeys keys = cache.signingKeys();
        if (trustOwnSignatures && hasSignatureNamed(info, keys)) {
            return CompletableFuture.completedFuture(info);
        }
        if (info.isSignedBy(keys)) {
            return CompletableFuture.completedFuture(info);
        }
        return save(info.signedBy(keys));
    }

    /**
     * Rows are trusted only once every one was signed with exactly these keys, so a signature under each key's name
     * is that key's; a row lacking one (saved before the key was added, by an older version) is signed now.
     */
    private static boolean hasSignatureNamed(NarInfo info, SigningKeys keys) {
        for (SecretSigningKey key : keys.active()) {
            if (info.signatures().stream().noneMatch(sig -> sig.keyName().equals(key.name()))) {
                return false;
            }
        }
        return true;
    }

    /** Stored rows carry the signature that is served, so the next serve (or start) need not sign again. */
    private CompletionStage<NarInfo> save(NarInfo signed) {
        return repository.save(cache.name(), signed).thenApply(v -> signed);
    }

    private static byte[] render(NarInfo info) {
        return NarInfoText.render(info).getBytes(StandardCharsets.UTF_8);
    }
}
