package dev.cacheserver.application.upstream;

import dev.cacheserver.application.port.in.ServeFromUpstreams;
import dev.cacheserver.domain.error.UpstreamFailedException;
import dev.cacheserver.domain.port.UpstreamClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What this cache knows about one upstream: whether its {@code nix-cache-info} was checked (once; a failed
 * check is retried, a wrong StoreDir disables the upstream for good), until when it is skipped after a failure,
 * and its counters. Thread-safe.
 */
final class UpstreamState {
    static final String STORE_DIR = "/nix/store";

    final Upstream upstream;
    private final Clock clock;
    private final Duration backoff;
    private final AtomicReference<CompletableFuture<Void>> cacheInfo = new AtomicReference<>();
    private volatile long skippedUntil;
    final AtomicLong hits = new AtomicLong();
    final AtomicLong misses = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong latencyMillis = new AtomicLong();

    UpstreamState(Upstream upstream, Clock clock, Duration backoff) {
        this.upstream = upstream;
        this.clock = clock;
        this.backoff = backoff;
    }

    boolean backingOff() {
        return clock.millis() < skippedUntil;
    }

    /** Records a failure: the upstream is skipped for the back-off period. */
    void failed() {
        errors.incrementAndGet();
        skippedUntil = clock.millis() + backoff.toMillis();
    }

    /** Completes once the upstream's nix-cache-info was found good; fails (and is asked again later) otherwise. */
    CompletionStage<Void> checkedCacheInfo(UpstreamClient client) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> known = cacheInfo.compareAndExchange(null, mine);
        if (known != null) {
            return known;
        }
        client.fetchCacheInfo(upstream.url()).whenComplete((text, failure) -> {
            if (failure != null) {
                cacheInfo.set(null);
                mine.completeExceptionally(failure);
                return;
            }
            String storeDir = storeDir(text);
            if (!STORE_DIR.equals(storeDir)) {
                // Paths under another store directory can never be substituted into /nix/store: disabled for good.
                mine.completeExceptionally(new UpstreamFailedException("upstream " + upstream.url()
                        + " serves StoreDir " + storeDir + ", not " + STORE_DIR, false));
                return;
            }
            mine.complete(null);
        });
        return mine;
    }

    private static String storeDir(String cacheInfo) {
        for (String line : cacheInfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equals("StoreDir")) {
                return line.substring(colon + 1).strip();
            }
        }
        return "(none)";
    }

    ServeFromUpstreams.UpstreamStats stats() {
        return new ServeFromUpstreams.UpstreamStats(upstream.url(), hits.get(), misses.get(), rejected.get(),
                errors.get(), bytes.get(), requests.get(), latencyMillis.get());
    }
}
