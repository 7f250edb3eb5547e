package dev.cacheserver.application.retention;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The sweep of a cache over its size limit. The pins and their closures are kept first (and the paths accessed
 * since the sweep began); then the paths within the retention window, most recently accessed first, each with its
 * closure, as long as the kept NARs stay within the limit. The first path whose closure does not fit ends the
 * keeping: it and every path accessed before it go (closure-safe: a kept path's references are kept with it).
 * Paths older than the window go for age, the others for size. Marking and summing are set-based in the
 * repository, in pages: the heap holds one page whatever the size of the cache.
 */
final class SizeSweep {
    private final KeepMarks marks;
    private final UnmarkedPathSweep paths;

    SizeSweep(KeepMarks marks, UnmarkedPathSweep paths) {
        this.marks = marks;
        this.paths = paths;
    }

    CompletionStage<Void> sweep(long limit, Optional<Instant> cutoff, Instant start, boolean dryRun, SweepTally tally) {
        Instant since = cutoff.orElse(Instant.EPOCH);
        // Paths accessed since the start are never removed by this sweep: kept (and counted) first.
        return marks.markAfresh(start, start)
                .thenCompose(count -> {
                    tally.pathsBefore = count;
                    return marks.keptBytes();
                })
                .thenCompose(pinned -> marks.keepWithin(limit - pinned, since, start))
                .thenCompose(v -> cutoff.isEmpty() ? CompletableFuture.completedFuture(null)
                        : paths.sweep(Instant.EPOCH, cutoff.get(), start, dryRun, false, tally))
                .thenCompose(v -> paths.sweep(since, start, start, dryRun, true, tally));
    }
}
