package dev.cacheserver.application.retention;

import dev.cacheserver.application.AccessLog;
import dev.cacheserver.application.CacheProfile;
import dev.cacheserver.application.NarInfoRemoval;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.error.ConflictException;
import dev.cacheserver.domain.port.ExclusiveRuns;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.port.PinRepository;
import dev.cacheserver.domain.retention.PinnedPaths;
import dev.cacheserver.domain.retention.RetentionPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Use case: sweep one cache. Deletes the paths that were not accessed within the retention window and that no
 * kept or pinned path needs (closure-safe: the repository marks the recent and pinned paths and their closures),
 * then the NARs nothing uses any more, then orphan NARs (no narinfo, stored longer ago than {@code orphanAge}).
 * Each path stops being served before its row goes, and its NAR goes only after no narinfo points at it. Before
 * each batch, the reads recorded meanwhile are written and marked with their closures, so paths read while the
 * sweep runs are spared together with their references. Works from the repository in pages of {@link #BATCH}:
 * the heap holds one page, whatever the size of the cache. Never blocks. One sweep per cache at a time: a second
 * call while one runs fails with IllegalStateException.
 */
public final class GarbageCollector {
    static final int BATCH = 256;
    /** The most paths a report lists; the counts cover all of them. */
    static final int LISTED_PATHS = 10_000;
    private final CacheProfile cache;
    private final AccessLog accessLog;
    private final NarInfoRemoval removal;
    private final NarInfoRepository repository;
    private final NarStore store;
    private final PinRepository pins;
    /** Replaced whole on a configuration reload; a sweep uses the policy it read when planning. */
    private volatile RetentionPolicy policy;
    private volatile OptionalLong maxSize = OptionalLong.empty();
    private final Duration orphanAge;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    /** Replicas sharing the database sweep a cache one at a time. */
    private volatile ExclusiveRuns replicas = ExclusiveRuns.LOCAL;

    public GarbageCollector(CacheProfile cache, AccessLog accessLog, NarInfoRemoval removal,
                            NarInfoRepository repository, NarStore store, PinRepository pins, RetentionPolicy policy,
                            Duration orphanAge, Clock clock) {
        this.cache = cache;
        this.accessLog = accessLog;
        this.removal = removal;
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

    /** The most bytes the cache's NARs may take (empty: no limit); see {@link #limitSize}. */
    public OptionalLong sizeLimit() {
        return maxSize;
    }

    /** Sweeps with {@code maxSize} as the size limit from the next sweep on (empty: no limit). */
    public void limitSize(OptionalLong maxSize) {
        this.maxSize = java.util.Objects.requireNonNull(maxSize, "maxSize");
    }

    /** Sweeps only while no other replica sharing the database sweeps this cache (see {@link #collect}). */
    public void shareWith(ExclusiveRuns replicas) {
        this.replicas = java.util.Objects.requireNonNull(replicas, "replicas");
    }

    /**
     * Sweeps the cache; fails without sweeping while a sweep of it runs here (IllegalStateException) or on another
     * replica sharing the database (ConflictException).
     */
    public CompletionStage<GcReport> collect(boolean dryRun) {
        if (!running.compareAndSet(false, true)) {
            return CompletableFuture.failedFuture(new IllegalStateException("a sweep of " + cache.name() + " is running"));
        }
        return replicas.runIfFree("gc " + cache.name().value(), () -> sweep(dryRun))
                .thenApply(swept -> swept.orElseThrow(() -> new ConflictException("a sweep of " + cache.name()
                        + " is running on another replica")))
                .whenComplete((report, failure) -> running.set(false));
    }

    private CompletionStage<GcReport> sweep(boolean dryRun) {
        Instant start = clock.instant();
        Tally tally = new Tally();
        RetentionPolicy policy = this.policy;
        OptionalLong limit = this.maxSize;
        tally.maxSize = limit.orElse(0);
        CompletionStage<GcReport> sweep = accessLog.flush()
                .thenCompose(flushed -> limit.isEmpty() ? CompletableFuture.completedFuture(-1L)
                        : repository.storedBytes(cache.name()))
                .thenCompose(stored -> {
                    tally.storedBytesBefore = stored;
                    Optional<Instant> cutoff = policy.cutoff(start);
                    if (limit.isPresent() && stored > limit.getAsLong()) {
                        return sizeSweep(limit.getAsLong(), cutoff, start, dryRun, tally);
                    }
                    return cutoff.isEmpty()
                            ? repository.count(cache.name()).thenApply(count -> {
                                tally.pathsBefore = count;
                                return (Void) null;
                            })
                            : markAndSweep(cutoff.get(), start, dryRun, tally);
                })
                .thenCompose(v -> orphans(start, dryRun, tally))
                .thenCompose(v -> limit.isEmpty() || dryRun ? CompletableFuture.completedFuture(-1L)
                        : repository.storedBytes(cache.name()))
                .thenApply(after -> {
                    tally.storedBytesAfter = after;
                    return tally.report(cache.name().value(), dryRun, millisSince(start));
                });
        return sweep;
    }

    private CompletionStage<Void> markAndSweep(Instant cutoff, Instant start, boolean dryRun, Tally tally) {
        return pins.pins(cache.name())
                .thenCompose(pinList -> repository.clearKeepMarks(cache.name())
                        .thenCompose(v -> repository.markKept(cache.name(), cutoff, PinnedPaths.at(pinList, start))))
                .thenCompose(count -> {
                    tally.pathsBefore = count;
                    return pages(Instant.EPOCH, start, start, dryRun, false, Optional.empty(), tally);
                });
    }

    /**
     * Over the size limit: the pins and their closures are kept first (and paths accessed since the sweep began); then the paths within the retention window,
     * most recently accessed first, each with its closure, as long as the kept NARs stay within the limit. The first
     * path whose closure does not fit ends the keeping: it and every path accessed before it go (closure-safe: a
     * kept path's references are kept with it). Paths older than the window go for age, the others for size.
     */
    private CompletionStage<Void> sizeSweep(long limit, Optional<Instant> cutoff, Instant start, boolean dryRun,
                                            Tally tally) {
        Instant since = cutoff.orElse(Instant.EPOCH);
        return pins.pins(cache.name())
                .thenCompose(pinList -> repository.clearKeepMarks(cache.name())
                        // Paths accessed since the start are never removed by this sweep: kept (and counted) first.
                        .thenCompose(v -> repository.markKept(cache.name(), start, PinnedPaths.at(pinList, start))))
                .thenCompose(count -> {
                    tally.pathsBefore = count;
                    return repository.keptBytes(cache.name());
                })
                .thenCompose(pinned -> keepWithin(limit - pinned, since, start))
                .thenCompose(v -> cutoff.isEmpty() ? CompletableFuture.completedFuture(null)
                        : pages(Instant.EPOCH, cutoff.get(), start, dryRun, false, Optional.empty(), tally))
                .thenCompose(v -> pages(since, start, start, dryRun, true, Optional.empty(), tally));
    }

    /** Marks the most recently accessed unmarked paths with their closures until one does not fit {@code budget}. */
    private CompletionStage<Void> keepWithin(long budget, Instant since, Instant before) {
        if (budget < 0) {
            return CompletableFuture.completedFuture(null);
        }
        return repository.unmarkedByRecency(cache.name(), since, before, BATCH).thenCompose(page -> page.isEmpty()
                ? CompletableFuture.completedFuture(null)
                : repository.markKeptWithin(cache.name(), page, budget).thenCompose(kept -> kept.budgetReached()
                        ? CompletableFuture.completedFuture(null)
                        : keepWithin(budget - kept.bytes(), since, before)));
    }

    /**
     * One page of unmarked paths accessed in [{@code since}, {@code before}) at a time, in hash order; a dry run
     * only counts them. Before each real batch, reads recorded since the sweep began are written and marked (with
     * their closures), so a path read meanwhile, and what it references, is no longer on the page.
     */
    private CompletionStage<Void> pages(Instant since, Instant before, Instant start, boolean dryRun, boolean forSize,
                                        Optional<StorePathHash> after, Tally tally) {
        // Marking again from the sweep's start is cheap: paths marked already are not walked again.
        CompletionStage<Void> marked = dryRun ? CompletableFuture.completedFuture(null)
                : accessLog.flush().thenCompose(v -> repository.markKept(cache.name(), start, Set.of()))
                        .thenApply(count -> (Void) null);
        return marked
                .thenCompose(v -> repository.unmarkedPage(cache.name(), since, before, after, BATCH))
                .thenCompose(page -> {
                    if (page.isEmpty()) {
                        return CompletableFuture.completedFuture(null);
                    }
                    Optional<StorePathHash> last = Optional.of(page.get(page.size() - 1).storePath().hash());
                    if (dryRun) {
                        page.forEach(info -> tally.path(info.storePath().hash(), info.fileSize(), forSize));
                        return pages(since, before, start, true, forSize, last, tally);
                    }
                    return removeBatch(page, forSize, tally)
                            .thenCompose(v -> pages(since, before, start, false, forSize, last, tally));
                });
    }

    private CompletionStage<Void> removeBatch(List<NarInfo> page, boolean forSize, Tally tally) {
        List<StorePathHash> hashes = page.stream().map(info -> info.storePath().hash()).toList();
        Map<NarFile, Long> files = new LinkedHashMap<>();
        page.forEach(info -> files.put(info.narFile(), info.fileSize()));
        return removal.removeAll(hashes).thenCompose(removed -> {
            page.forEach(info -> tally.path(info.storePath().hash(), 0, forSize));
            return repository.narFilesInUse(cache.name(), files.keySet());
        }).thenCompose(inUse -> {
            CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
            for (Map.Entry<NarFile, Long> file : files.entrySet()) {
                if (!inUse.contains(file.getKey())) {
                    chain = chain.thenCompose(x -> store.delete(file.getKey()).thenAccept(deleted -> {
                        if (deleted) {
                            tally.removedNars++;
                            tally.removedNarBytes += file.getValue();
                        }
                    }));
                }
            }
            return chain;
        });
    }

    /**
     * Orphans are found while the store is walked page by page (the heap holds one page): one repository query
     * per page tells which NARs are still in use.
     */
    private CompletionStage<Void> orphans(Instant now, boolean dryRun, Tally tally) {
        Instant cutoff = now.minus(orphanAge);
        return store.walk(BATCH, page -> orphanBatch(
                        page.stream().filter(nar -> nar.storedAt().isBefore(cutoff)).toList(), dryRun, tally))
                .exceptionallyCompose(failure -> unwrap(failure) instanceof UnsupportedOperationException
                        // a store that cannot list has no orphans we could find
                        ? CompletableFuture.completedFuture(null)
                        : CompletableFuture.failedFuture(unwrap(failure)));
    }

    private CompletionStage<Void> orphanBatch(List<NarStore.StoredNar> batch, boolean dryRun, Tally tally) {
        if (batch.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return repository.narFilesInUse(cache.name(), batch.stream().map(NarStore.StoredNar::file).toList())
                .thenCompose(inUse -> {
                    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
                    for (NarStore.StoredNar nar : batch) {
                        if (inUse.contains(nar.file())) {
                            continue;
                        }
                        if (dryRun) {
                            tally.orphan(nar.size());
                        } else {
                            // Checked again just before: a narinfo may have been published since the batch query.
                            chain = chain.thenCompose(v -> repository.pathsUsing(cache.name(), nar.file(), 1))
                                    .thenCompose(users -> !users.isEmpty() ? CompletableFuture.completedFuture(null)
                                            : store.delete(nar.file()).thenAccept(deleted -> {
                                                if (deleted) {
                                                    tally.orphan(nar.size());
                                                }
                                            }));
                        }
                    }
                    return chain;
                });
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private long millisSince(Instant start) {
        return Duration.between(start, clock.instant()).toMillis();
    }

    /** What a sweep found and did so far; confined to the sweep's sequential chain. */
    private static final class Tally {
        long pathsBefore;
        final List<StorePathHash> listed = new ArrayList<>();
        final List<StorePathHash> listedForSize = new ArrayList<>();
        int paths;
        int pathsForSize;
        long maxSize;
        long storedBytesBefore = -1;
        long storedBytesAfter = -1;
        long pathBytes;
        int removedNars;
        long removedNarBytes;
        int orphanNars;
        long orphanBytes;

        void path(StorePathHash hash, long fileSize, boolean forSize) {
            paths++;
            pathBytes += fileSize;
            if (listed.size() < LISTED_PATHS) {
                listed.add(hash);
            }
            if (forSize) {
                pathsForSize++;
                if (listedForSize.size() < LISTED_PATHS) {
                    listedForSize.add(hash);
                }
            }
        }

        void orphan(long size) {
            orphanNars++;
            orphanBytes += size;
        }

        GcReport report(String cache, boolean dryRun, long millis) {
            return new GcReport(cache, dryRun, (int) Math.min(Integer.MAX_VALUE, pathsBefore), listed, paths,
                    dryRun ? paths : removedNars, dryRun ? pathBytes : removedNarBytes, orphanNars, orphanBytes,
                    millis, listedForSize, pathsForSize, maxSize, storedBytesBefore, storedBytesAfter);
        }
    }
}
