package dev.cacheserver.application;

import dev.cacheserver.domain.model.StorePathHash;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads recorded in memory on the hot path (one map write, no I/O) and written to the repository in batches:
 * retention is measured from the last access, and losing the last minute of reads in a crash only makes
 * paths look a minute older.
 */
final class AccessLog {
    private final ConcurrentHashMap<StorePathHash, Long> pending = new ConcurrentHashMap<>();

    void record(StorePathHash hash, long epochMillis) {
        pending.merge(hash, epochMillis, Math::max);
    }

    /** True when a read of {@code hash} at or after {@code since} is recorded and not yet written. */
    boolean readSince(StorePathHash hash, Instant since) {
        Long at = pending.get(hash);
        return at != null && at >= since.toEpochMilli();
    }

    /** Takes everything recorded so far; what is recorded meanwhile stays for the next drain. */
    Map<StorePathHash, Instant> drain() {
        Map<StorePathHash, Instant> out = new HashMap<>();
        for (Map.Entry<StorePathHash, Long> e : pending.entrySet()) {
            if (pending.remove(e.getKey(), e.getValue())) {
                out.put(e.getKey(), Instant.ofEpochMilli(e.getValue()));
            }
        }
        return out;
    }

    /** Puts back what could not be written, keeping newer reads. */
    void restore(Map<StorePathHash, Instant> unwritten) {
        unwritten.forEach((hash, at) -> record(hash, at.toEpochMilli()));
    }
}
