package dev.cacheserver.application.narinfo;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.NarInfoRepository;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Use case: record reads. Narinfo and NAR reads are recorded in memory on the hot path (one map write, no I/O)
 * and written to the repository in batches: periodically, before a sweep, at shutdown, and as soon as
 * {@code capacity} distinct entries are waiting. Retention is measured from the last access; losing the last
 * minute of reads in a crash only makes paths look a minute older. Beyond twice the capacity (the repository
 * cannot keep up) further reads are not recorded: the heap stays bounded. Thread-safe; never blocks.
 */
public final class AccessTimes {
    public static final int DEFAULT_CAPACITY = 50_000;
    private final CacheName cache;
    private final NarInfoRepository repository;
    private final int capacity;
    private final ConcurrentHashMap<StorePathHash, Long> paths = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<NarFile, Long> nars = new ConcurrentHashMap<>();
    private final AtomicBoolean flushing = new AtomicBoolean();

    AccessTimes(CacheName cache, NarInfoRepository repository, int capacity) {
        this.cache = cache;
        this.repository = repository;
        this.capacity = capacity;
    }

    void record(StorePathHash hash, long epochMillis) {
        if (room()) {
            paths.merge(hash, epochMillis, Math::max);
        }
    }

    /** A NAR download counts as an access of every path that uses the NAR (resolved when written). */
    void record(NarFile file, long epochMillis) {
        if (room()) {
            nars.merge(file, epochMillis, Math::max);
        }
    }

    private boolean room() {
        int waiting = paths.size() + nars.size();
        if (waiting >= capacity && !flushing.get()) {
            flush();
        }
        return waiting < 2 * capacity;
    }

    /** Entries waiting to be written. */
    int pending() {
        return paths.size() + nars.size();
    }

    /**
     * Writes what is recorded so far to the repository; what could not be written is put back (newer reads
     * kept). Completes when written.
     */
    public CompletionStage<Void> flush() {
        flushing.set(true);
        Map<StorePathHash, Instant> pathBatch = drain(paths);
        Map<NarFile, Instant> narBatch = drain(nars);
        return repository.touch(cache, pathBatch)
                .thenCompose(v -> repository.touchNars(cache, narBatch))
                .whenComplete((ok, failure) -> {
                    flushing.set(false);
                    if (failure != null) {
                        pathBatch.forEach((hash, at) -> paths.merge(hash, at.toEpochMilli(), Math::max));
                        narBatch.forEach((file, at) -> nars.merge(file, at.toEpochMilli(), Math::max));
                    }
                });
    }

    private static <K> Map<K, Instant> drain(ConcurrentHashMap<K, Long> pending) {
        Map<K, Instant> out = new HashMap<>();
        for (Map.Entry<K, Long> e : pending.entrySet()) {
            if (pending.remove(e.getKey(), e.getValue())) {
                out.put(e.getKey(), Instant.ofEpochMilli(e.getValue()));
            }
        }
        return out;
    }
}
