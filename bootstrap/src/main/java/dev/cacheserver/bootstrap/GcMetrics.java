package dev.cacheserver.bootstrap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Garbage collection meters per cache: sweeps run, what they removed, how long they took and when the last one
 * finished. The maintenance code calls {@link #recordRun} after every real (not dry-run) sweep of a cache.
 */
public final class GcMetrics {
    /** Records nothing: metrics are off. */
    public static final GcMetrics NONE = new GcMetrics(null);

    private final MeterRegistry registry;
    private final Map<String, Meters> byCache = new ConcurrentHashMap<>();

    GcMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    private record Meters(Counter runs, Counter paths, Counter nars, Counter bytes, Timer duration, AtomicLong lastRun,
                          Counter evictedForSize, AtomicLong storedBytes, AtomicLong maxSize) {
    }

    /**
     * The size side of a finished sweep of {@code cache}: {@code storedBytes} its NAR bytes after the sweep (negative:
     * not measured, the gauge keeps its value), {@code maxSize} its limit (0: none), {@code evicted} paths removed
     * because the cache was over it.
     */
    public void recordSize(String cache, long storedBytes, long maxSize, long evicted) {
        if (registry == null) {
            return;
        }
        Meters m = meters(cache);
        if (storedBytes >= 0) {
            m.storedBytes().set(storedBytes);
        }
        m.maxSize().set(maxSize);
        m.evictedForSize().increment(evicted);
    }

    /**
     * One finished sweep of {@code cache}: {@code removedPaths} narinfos expired, {@code removedNars} NAR files
     * deleted (expired and orphan), {@code removedBytes} their size, in {@code durationMillis}.
     */
    public void recordRun(String cache, long removedPaths, long removedNars, long removedBytes, long durationMillis) {
        if (registry == null) {
            return;
        }
        Meters m = meters(cache);
        m.runs().increment();
        m.paths().increment(removedPaths);
        m.nars().increment(removedNars);
        m.bytes().increment(removedBytes);
        m.duration().record(durationMillis, TimeUnit.MILLISECONDS);
        m.lastRun().set(System.currentTimeMillis() / 1000);
    }

    /** Creates the meters of {@code cache} up front, so they read 0 before the first sweep. */
    void register(String cache) {
        if (registry != null) {
            meters(cache);
        }
    }

    private Meters meters(String cache) {
        return byCache.computeIfAbsent(cache, c -> {
            AtomicLong last = new AtomicLong();
            AtomicLong stored = new AtomicLong();
            AtomicLong limit = new AtomicLong();
            registry.gauge("cache_server.gc.stored.bytes", io.micrometer.core.instrument.Tags.of("cache", c), stored,
                    AtomicLong::get);
            registry.gauge("cache_server.gc.max.size.bytes", io.micrometer.core.instrument.Tags.of("cache", c), limit,
                    AtomicLong::get);
            registry.gauge("cache_server.gc.last.run.timestamp.seconds",
                    io.micrometer.core.instrument.Tags.of("cache", c), last, AtomicLong::get);
            return new Meters(
                    counter("cache_server.gc.runs", c, "Garbage collection sweeps finished"),
                    counter("cache_server.gc.removed.paths", c, "Store paths (narinfos) removed by garbage collection"),
                    counter("cache_server.gc.removed.nars", c, "NAR files deleted by garbage collection, orphans included"),
                    counter("cache_server.gc.removed.bytes", c, "Bytes of NAR files deleted by garbage collection"),
                    Timer.builder("cache_server.gc.duration").description("Duration of garbage collection sweeps")
                            .tag("cache", c).register(registry),
                    last,
                    counter("cache_server.gc.evicted.for.size.paths", c,
                            "Store paths removed because the cache was over its max-size"),
                    stored, limit);
        });
    }

    private Counter counter(String name, String cache, String description) {
        return Counter.builder(name).description(description).tag("cache", cache).register(registry);
    }
}
