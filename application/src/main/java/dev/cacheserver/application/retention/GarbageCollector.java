package dev.cacheserver.application.retention;

import dev.cacheserver.application.narinfo.AccessTimes;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.port.in.GcReport;
import dev.cacheserver.domain.error.ConflictException;
import dev.cacheserver.domain.port.ExclusiveRuns;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.retention.RetentionPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The sweeps of one cache. Deletes the paths that were not accessed within the retention window and that no kept or
 * pinned path needs (closure-safe: the repository marks the recent and pinned paths and their closures); over the
 * size limit, the least recently accessed closures too ({@link SizeSweep}); then orphan NARs ({@link OrphanSweep}).
 * Works from the repository in pages: the heap holds one page, whatever the size of the cache. Never blocks. One
 * sweep per cache at a time: a second call while one runs fails with IllegalStateException. Built by
 * {@link Retention}; the maintenance timer calls it directly, operators through the
 * {@link dev.cacheserver.application.port.in.CollectGarbage} port.
 */
public final class GarbageCollector {
    private final CacheProfile cache;
    private final AccessTimes accessLog;
    private final NarInfoRepository repository;
    private final KeepMarks marks;
    private final UnmarkedPathSweep paths;
    private final SizeSweep sizeSweep;
    private final OrphanSweep orphans;
    /** Replaced whole on a configuration reload; a sweep uses the policy it read when planning. */
    private volatile RetentionPolicy policy;
    private volatile OptionalLong maxSize = OptionalLong.empty();
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    /** Replicas sharing the database sweep a cache one at a time. */
    private volatile ExclusiveRuns replicas = ExclusiveRuns.LOCAL;

    GarbageCollector(CacheProfile cache, AccessTimes accessLog, KeepMarks marks, UnmarkedPathSweep paths,
                     OrphanSweep orphans, NarInfoRepository repository, RetentionPolicy policy, Clock clock) {
        this.cache = cache;
        this.accessLog = accessLog;
        this.repository = repository;
        this.marks = marks;
        this.paths = paths;
        this.sizeSweep = new SizeSweep(marks, paths);
        this.orphans = orphans;
        this.policy = policy;
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
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** The most bytes the cache's NARs may take (empty: no limit); see {@link #limitSize}. */
    public OptionalLong sizeLimit() {
        return maxSize;
    }

    /** Sweeps with {@code maxSize} as the size limit from the next sweep on (empty: no limit). */
    public void limitSize(OptionalLong maxSize) {
        this.maxSize = Objects.requireNonNull(maxSize, "maxSize");
    }

    /** Sweeps only while no other replica sharing the database sweeps this cache (see {@link #collect}). */
    public void shareWith(ExclusiveRuns replicas) {
        this.replicas = Objects.requireNonNull(replicas, "replicas");
    }

    /**
     * Sweeps now (a dry run counts what would go and changes nothing); the report says what went. Fails without
     * sweeping while a sweep of the cache runs here (IllegalStateException) or on another replica sharing the
     * database (ConflictException).
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
        SweepTally tally = new SweepTally();
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
                        return sizeSweep.sweep(limit.getAsLong(), cutoff, start, dryRun, tally);
                    }
                    return cutoff.isEmpty() ? repository.count(cache.name()).thenAccept(count -> tally.pathsBefore = count)
                            : ageSweep(cutoff.get(), start, dryRun, tally);
                })
                .thenCompose(v -> orphans.sweep(start, dryRun, tally))
                .thenCompose(v -> limit.isEmpty() || dryRun ? CompletableFuture.completedFuture(-1L)
                        : repository.storedBytes(cache.name()))
                .thenApply(after -> {
                    tally.storedBytesAfter = after;
                    return tally.report(cache.name().value(), dryRun, Duration.between(start, clock.instant()).toMillis(),
                            policy.window());
                });
        return sweep;
    }

    /** Marks what was accessed since {@code cutoff} and the pins, with their closures; removes the rest. */
    private CompletionStage<Void> ageSweep(Instant cutoff, Instant start, boolean dryRun, SweepTally tally) {
        return marks.markAfresh(cutoff, start).thenCompose(count -> {
            tally.pathsBefore = count;
            return paths.sweep(Instant.EPOCH, start, start, dryRun, false, tally);
        });
    }
}
