package dev.cacheserver.application.retention;

import dev.cacheserver.application.CacheProfile;
import dev.cacheserver.application.NarInfoService;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.port.PinRepository;
import dev.cacheserver.domain.retention.GarbageCollectionPlan;
import dev.cacheserver.domain.retention.PathUsage;
import dev.cacheserver.domain.retention.PinnedPaths;
import dev.cacheserver.domain.retention.RetentionPolicy;
import dev.cacheserver.domain.upload.Pin;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Use case: sweep one cache. Deletes the paths that were not accessed within the retention window and that no
 * kept or pinned path needs (closure-safe, see {@link GarbageCollectionPlan}), then the NARs nothing uses
 * any more, then orphan NARs (no narinfo, stored longer ago than {@code orphanAge}). Each path stops being
 * served before its row goes, and its NAR goes only after no narinfo points at it. Paths read while the sweep
 * runs are spared together with their references. Works in batches of async steps; never blocks. One sweep
 * per cache at a time: a second call while one runs fails with IllegalStateException.
 */
public final class GarbageCollector {
    static final int BATCH = 256;
    private final CacheProfile cache;
    private final NarInfoService narInfos;
    private final NarInfoRepository repository;
    private final NarStore store;
    private final PinRepository pins;
    /** Replaced whole on a configuration reload; a sweep uses the policy it read when planning. */
    private volatile RetentionPolicy policy;
    private final Duration orphanAge;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();

    public GarbageCollector(CacheProfile cache, NarInfoService narInfos, NarInfoRepository repository, NarStore store,
                            PinRepository pins, RetentionPolicy policy, Duration orphanAge, Clock clock) {
        this.cache = cache;
        this.narInfos = narInfos;
        this.repository = repository;
        this.store = store;
        this.pins = pins;
        this.policy = policy;
        this.orphanAge = orphanAge;
        this.clock = clock;
    }

    public CacheProfile cache() {
        return cache;
    }

    public RetentionPolicy policy() {
        return policy;
    }

    /** Sweeps with {@code policy} from the next sweep on (a configuration reload changed the retention). */
    public void retain(RetentionPolicy policy) {
        this.policy = java.util.Objects.requireNonNull(policy, "policy");
    }

    public CompletionStage<GcReport> collect(boolean dryRun) {
        if (!running.compareAndSet(false, true)) {
            return CompletableFuture.failedFuture(new IllegalStateException("a sweep of " + cache.name() + " is running"));
        }
        Instant start = clock.instant();
        return narInfos.flushAccessTimes()
                .thenCompose(flushed -> repository.findUsage(cache.name()))
                .thenCombine(pins.pins(cache.name()), (usage, pinList) -> plan(usage, pinList, start))
                .thenCompose(planned -> dryRun ? dryRun(planned, start) : sweep(planned, start))
                .whenComplete((report, failure) -> running.set(false));
    }

    private Planned plan(List<PathUsage> usage, List<Pin> pinList, Instant now) {
        Set<StorePathHash> pinned = PinnedPaths.at(pinList, now);
        GarbageCollectionPlan plan = GarbageCollectionPlan.decide(usage, pinned, policy, now);
        Map<StorePathHash, PathUsage> byHash = new HashMap<>();
        usage.forEach(u -> byHash.put(u.hash(), u));
        return new Planned(usage.size(), new ArrayList<>(plan.toDelete()), byHash);
    }

    private record Planned(int paths, List<StorePathHash> toDelete, Map<StorePathHash, PathUsage> usage) {
    }

    private CompletionStage<GcReport> dryRun(Planned planned, Instant start) {
        long bytes = 0;
        for (StorePathHash hash : planned.toDelete()) {
            bytes += narInfos.find(hash).map(NarInfo::fileSize).orElse(0L);
        }
        long narBytes = bytes;
        return orphans(start).thenApply(orphans -> new GcReport(cache.name().value(), true, planned.paths(),
                planned.toDelete(), planned.toDelete().size(), narBytes, orphans.size(),
                orphans.stream().mapToLong(NarStore.StoredNar::size).sum(), millisSince(start)));
    }

    private CompletionStage<GcReport> sweep(Planned planned, Instant start) {
        Set<StorePathHash> spared = sparedByRecentReads(planned, start);
        List<StorePathHash> doomed = planned.toDelete().stream().filter(h -> !spared.contains(h)).toList();
        List<StorePathHash> removed = new ArrayList<>();
        long[] narsAndBytes = new long[2];
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (int from = 0; from < doomed.size(); from += BATCH) {
            List<StorePathHash> batch = doomed.subList(from, Math.min(doomed.size(), from + BATCH));
            chain = chain.thenCompose(v -> removeBatch(batch, removed, narsAndBytes));
        }
        return chain.thenCompose(v -> orphans(start)).thenCompose(orphans -> deleteOrphans(orphans)
                .thenApply(orphanBytes -> new GcReport(cache.name().value(), false, planned.paths(), removed,
                        (int) narsAndBytes[0], narsAndBytes[1], orphans.size(), orphanBytes, millisSince(start))));
    }

    /** Paths read since the plan was made, and everything they reference, stay: a client may be fetching them. */
    private Set<StorePathHash> sparedByRecentReads(Planned planned, Instant planStart) {
        Deque<StorePathHash> todo = new ArrayDeque<>();
        for (StorePathHash hash : planned.toDelete()) {
            if (narInfos.readSince(hash, planStart)) {
                todo.add(hash);
            }
        }
        Set<StorePathHash> spared = new HashSet<>();
        while (!todo.isEmpty()) {
            StorePathHash hash = todo.pop();
            if (spared.add(hash)) {
                PathUsage usage = planned.usage().get(hash);
                if (usage != null) {
                    todo.addAll(usage.references());
                }
            }
        }
        return spared;
    }

    private CompletionStage<Void> removeBatch(List<StorePathHash> batch, List<StorePathHash> removed, long[] narsAndBytes) {
        return narInfos.removeAll(batch).thenCompose(gone -> {
            removed.addAll(batch);
            CompletionStage<Void> nars = CompletableFuture.completedFuture(null);
            Set<NarFile> seen = new HashSet<>();
            for (NarInfo info : gone) {
                NarFile file = info.narFile();
                if (seen.add(file)) {
                    nars = nars.thenCompose(x -> narInfos.isNarInUse(file) ? CompletableFuture.completedFuture(null)
                            : store.delete(file).thenAccept(deleted -> {
                                if (deleted) {
                                    narsAndBytes[0]++;
                                    narsAndBytes[1] += info.fileSize();
                                }
                            }));
                }
            }
            return nars;
        });
    }

    private CompletionStage<List<NarStore.StoredNar>> orphans(Instant now) {
        Instant cutoff = now.minus(orphanAge);
        return store.list().thenApply(all -> all.stream()
                .filter(nar -> nar.storedAt().isBefore(cutoff) && !narInfos.isNarInUse(nar.file()))
                .toList())
                .exceptionally(failure -> {
                    if (unwrap(failure) instanceof UnsupportedOperationException) {
                        return List.of();   // a store that cannot list has no orphans we could find
                    }
                    throw failure instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(failure);
                });
    }

    private CompletionStage<Long> deleteOrphans(List<NarStore.StoredNar> orphans) {
        long[] bytes = new long[1];
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (NarStore.StoredNar nar : orphans) {
            chain = chain.thenCompose(v -> narInfos.isNarInUse(nar.file()) ? CompletableFuture.completedFuture(null)
                    : store.delete(nar.file()).thenAccept(deleted -> bytes[0] += deleted ? nar.size() : 0));
        }
        return chain.thenApply(v -> bytes[0]);
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private long millisSince(Instant start) {
        return Duration.between(start, clock.instant()).toMillis();
    }
}
