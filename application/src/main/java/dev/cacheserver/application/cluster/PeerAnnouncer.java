package dev.cacheserver.application.cluster;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.application.narinfo.NarInfoListener;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Tells the cluster which paths this server's public caches hold: every path, walked from the repository in pages
 * at the directory's pace and walked again every {@code period} (the DHT forgets an announcement 10 minutes after
 * it was made), each new path when it is published, and withdraws deleted ones. No list of paths is held: a walk
 * holds one page. Private caches are never announced. The record announced is the cache's public URL, name and
 * public key only.
 */
public final class PeerAnnouncer {
    /** The DHT node announces about 200 paths a second; pages are handed over at that pace. */
    static final int PAGE = 200;
    static final Duration PAGE_INTERVAL = Duration.ofSeconds(1);
    /** Intervals a walk waits at most for the directory's queue to drain before it hands the next page anyway. */
    static final int MAX_WAITS = 30;
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
        return announceFrom(cache, repository, Optional.empty(), 0L, new Renewal());
    }

    /**
     * Walks as {@link #announceStored} does, then again {@code period} after each walk started (at once when a walk
     * took longer), until the returned renewal is stopped; {@code afterWalk} gets each walk's count or failure (a
     * failed walk is retried at the next period). Keep {@code period} under the DHT's 10 minutes.
     */
    public Renewal keepAnnounced(CacheProfile cache, NarInfoRepository repository, Duration period,
                                 BiConsumer<Long, Throwable> afterWalk) {
        Renewal renewal = new Renewal();
        if (cache.isPublic()) {
            walk(cache, repository, period, afterWalk, renewal);
        }
        return renewal;
    }

    private void walk(CacheProfile cache, NarInfoRepository repository, Duration period,
                      BiConsumer<Long, Throwable> afterWalk, Renewal renewal) {
        if (renewal.stopped) {
            return;
        }
        long started = System.nanoTime();
        announceFrom(cache, repository, Optional.empty(), 0L, renewal).whenComplete((count, e) -> {
            renewal.walks.incrementAndGet();
            afterWalk.accept(count, e);
            long left = Math.max(0, period.toMillis() - (System.nanoTime() - started) / 1_000_000);
            CompletableFuture.delayedExecutor(left, TimeUnit.MILLISECONDS)
                    .execute(() -> walk(cache, repository, period, afterWalk, renewal));
        });
    }

    /** The periodic walks of one cache; {@link #stop} ends them after the current page. */
    public static final class Renewal {
        private volatile boolean stopped;
        private final AtomicLong walks = new AtomicLong();

        public void stop() {
            stopped = true;
        }

        /** Walks completed so far. */
        public long walks() {
            return walks.get();
        }
    }

    private CompletionStage<Long> announceFrom(CacheProfile cache, NarInfoRepository repository,
                                               Optional<StorePathHash> after, long handed, Renewal renewal) {
        if (renewal.stopped) {
            return CompletableFuture.completedFuture(handed);
        }
        return repository.hashesAfter(cache.name(), after, PAGE).thenCompose(page -> {
            if (page.isEmpty()) {
                return CompletableFuture.completedFuture(handed);
            }
            Optional<StorePathHash> last = Optional.of(page.get(page.size() - 1));
            return directory.announce(provider(cache), page)
                    .thenCompose(v -> page.size() < PAGE ? CompletableFuture.completedFuture(handed + page.size())
                            : drained(MAX_WAITS)
                            .thenCompose(x -> announceFrom(cache, repository, last, handed + page.size(), renewal)));
        });
    }

    /**
     * One {@link #PAGE_INTERVAL}, then more while the directory still has over a page queued (it sends slower than
     * planned, e.g. under load), at most {@code waits} more: the queue stays about one page long.
     */
    private CompletionStage<Void> drained(int waits) {
        return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(PAGE_INTERVAL.toMillis(),
                        TimeUnit.MILLISECONDS))
                .thenCompose(x -> directory.status())
                .thenCompose(status -> waits == 0 || status.pendingAnnouncements() <= PAGE
                        ? CompletableFuture.<Void>completedFuture(null) : drained(waits - 1));
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
