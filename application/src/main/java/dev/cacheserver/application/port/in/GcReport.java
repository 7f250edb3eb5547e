package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.model.StorePathHash;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one sweep of one cache removed (or, for a dry run, would remove): removed paths ({@code removedPathCount} of
 * them; {@code removedPaths} lists the first ones, at most ten thousand), the NAR files freed by them, and orphan NARs.
 * Of the removed paths, {@code sizeEvictedCount} went because the cache was over its size limit
 * ({@code sizeEvictedPaths} lists the first ones), the others because they were not accessed within the retention
 * window. {@code maxSize} is the limit (0: none); {@code storedBytesBefore}/{@code After} the cache's NAR bytes
 * when the sweep started and ended (-1 when not measured: no limit, or a dry run's end). {@code retention} is the
 * window the sweep used (empty: kept forever).
 */
public record GcReport(String cache, boolean dryRun, int pathsBefore, List<StorePathHash> removedPaths,
                       int removedPathCount, int removedNars, long removedNarBytes, int orphanNars, long orphanBytes,
                       long durationMillis, List<StorePathHash> sizeEvictedPaths, int sizeEvictedCount, long maxSize,
                       long storedBytesBefore, long storedBytesAfter, Optional<Duration> retention) {
    public GcReport {
        removedPaths = List.copyOf(removedPaths);
        sizeEvictedPaths = List.copyOf(sizeEvictedPaths);
        Objects.requireNonNull(retention, "retention");
    }

    /** The paths removed for age (not accessed within the retention window). */
    public int expiredCount() {
        return removedPathCount - sizeEvictedCount;
    }
}
