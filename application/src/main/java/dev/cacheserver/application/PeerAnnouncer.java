package dev.cacheserver.application;

import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.PeerDirectory;
import dev.cacheserver.domain.port.NarInfoRepository;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Tells the cluster which paths this server's public caches hold: every path at start (paged from the repository), each new path when it is
 * published, and withdraws deleted ones. Private caches are never announced. The record announced is the cache's
 * public URL, name and public key only.
 */
public final class PeerAnnouncer {
    /** The DHT node announces about 200 paths a second; pages are handed over at that pace. */
    static final int PAGE = 200;
    static final Duration PAGE_INTERVAL = Duration.ofSeconds(1);
    private final PeerDirectory directory;

    public PeerAnnouncer(PeerDirectory directory) {
        this.directory = directory;
    }

    public static PeerDirectory.Provider provider(CacheProfile cache) {
        return new PeerDirectory.Provider(cache.publicUrl(), cache.name(), cache.signingKey().publicKey());
    }

    public CompletionStage<Void> announceAll(CacheProfile cache, Collection<StorePathHash> hashes) {
        if (!cache.isPublic() || hashes.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return directory.announce(provider(cache), List.copyOf(hashes));
    }

    /**
     * Announces every path {@code cache} holds, read from {@code repository} in pages by key, one page of
     * {@link #PAGE} per {@link #PAGE_INTERVAL} (the directory's announcement rate), so neither this walk nor the
     * directory's queue holds the whole list. Completes with the number of paths handed over.
     */
    public CompletionStage<Long> announceStored(CacheProfile cache, NarInfoRepository repository) {
        if (!cache.isPublic()) {
            return CompletableFuture.completedFuture(0L);
        }
        return announceFrom(cache, repository, Optional.empty(), 0L);
    }

    private CompletionStage<Long> announceFrom(CacheProfile cache, NarInfoRepository repository,
                                               Optional<StorePathHash> after, long handed) {
        return repository.hashesAfter(cache.name(), after, PAGE).thenCompose(page -> {
            if (page.isEmpty()) {
                return CompletableFuture.completedFuture(handed);
            }
            Optional<StorePathHash> last = Optional.of(page.get(page.size() - 1));
            return directory.announce(provider(cache), page)
                    .thenCompose(v -> page.size() < PAGE ? CompletableFuture.completedFuture(handed + page.size())
                            : CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(
                                    PAGE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS))
                            .thenCompose(x -> announceFrom(cache, repository, last, handed + page.size())));
        });
    }

    public CompletionStage<Void> published(CacheProfile cache, NarInfo info) {
        return announceAll(cache, List.of(info.storePath().hash()));
    }

    public CompletionStage<Void> deleted(CacheProfile cache, StorePathHash hash) {
        if (!cache.isPublic()) {
            return CompletableFuture.completedFuture(null);
        }
        return directory.withdraw(provider(cache), List.of(hash));
    }

    /** A listener for {@link NarInfoService#addListener} that keeps {@code cache}'s announcements current. */
    public NarInfoListener listenerFor(CacheProfile cache) {
        return new NarInfoListener() {
            @Override
            public void published(NarInfo info) {
                PeerAnnouncer.this.published(cache, info);
            }

            @Override
            public void deleted(StorePathHash hash) {
                PeerAnnouncer.this.deleted(cache, hash);
            }
        };
    }
}
