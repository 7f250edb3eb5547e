package dev.cacheserver.application.retention;

import dev.cacheserver.application.narinfo.AccessTimes;
import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoRemoval;
import dev.cacheserver.application.port.in.CollectGarbage;
import dev.cacheserver.application.port.in.GcReport;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.port.PinRepository;
import dev.cacheserver.domain.retention.RetentionPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** Assembly of retention, for bootstrap: a collector per cache, and the {@link CollectGarbage} port over them. */
public final class Retention {
    private Retention() {
    }

    /**
     * The sweeps of {@code cache}: its retention {@code policy}, its pins, and orphan NARs older than
     * {@code orphanAge}; the size limit is set on the collector ({@link GarbageCollector#limitSize}).
     */
    public static GarbageCollector collector(CacheProfile cache, AccessTimes accessLog, NarInfoRemoval removal,
                                             NarInfoRepository repository, NarStore store, PinRepository pins,
                                             RetentionPolicy policy, Duration orphanAge, Clock clock) {
        KeepMarks marks = new KeepMarks(cache.name(), repository, pins);
        UnmarkedPathSweep paths = new UnmarkedPathSweep(cache.name(), accessLog, removal, repository, store, marks);
        return new GarbageCollector(cache, accessLog, marks, paths,
                new OrphanSweep(cache.name(), repository, store, orphanAge), repository, policy, clock);
    }

    /** Sweeps on an admin's request; every real sweep's report also goes to {@code reports} (log, metrics). */
    public static CollectGarbage collectGarbage(List<GarbageCollector> collectors, AccessPolicy access,
                                                Consumer<GcReport> reports) {
        return new RetentionService(collectors, access, reports);
    }
}
