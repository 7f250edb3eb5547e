package dev.cacheserver.application.retention;

import dev.cacheserver.domain.model.StorePathHash;
import java.util.List;

/**
 * What one sweep of one cache removed (or, for a dry run, would remove): expired paths ({@code removedPathCount} of
 * them; {@code removedPaths} lists the first ones, at most ten thousand), the NAR files freed by them, and orphan NARs.
 */
public record GcReport(String cache, boolean dryRun, int pathsBefore, List<StorePathHash> removedPaths,
                       int removedPathCount, int removedNars, long removedNarBytes, int orphanNars, long orphanBytes, long durationMillis) {
    public GcReport {
        removedPaths = List.copyOf(removedPaths);
    }
}
