package dev.cacheserver.application.retention;

import dev.cacheserver.application.port.in.GcReport;
import dev.cacheserver.domain.model.StorePathHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What a sweep found and did so far; confined to the sweep's sequential chain. */
final class SweepTally {
    /** The most paths a report lists; the counts cover all of them. */
    static final int LISTED_PATHS = 10_000;
    long pathsBefore;
    private final List<StorePathHash> listed = new ArrayList<>();
    private final List<StorePathHash> listedForSize = new ArrayList<>();
    private int paths;
    private int pathsForSize;
    long maxSize;
    long storedBytesBefore = -1;
    long storedBytesAfter = -1;
    private long pathBytes;
    private int removedNars;
    private long removedNarBytes;
    private int orphanNars;
    private long orphanBytes;

    /** A path removed (or, in a dry run, to be removed, with its NAR's {@code fileSize}). */
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

    void removedNar(long size) {
        removedNars++;
        removedNarBytes += size;
    }

    void orphan(long size) {
        orphanNars++;
        orphanBytes += size;
    }

    GcReport report(String cache, boolean dryRun, long millis, Optional<Duration> retention) {
        return new GcReport(cache, dryRun, (int) Math.min(Integer.MAX_VALUE, pathsBefore), listed, paths,
                dryRun ? paths : removedNars, dryRun ? pathBytes : removedNarBytes, orphanNars, orphanBytes,
                millis, listedForSize, pathsForSize, maxSize, storedBytesBefore, storedBytesAfter, retention);
    }
}
