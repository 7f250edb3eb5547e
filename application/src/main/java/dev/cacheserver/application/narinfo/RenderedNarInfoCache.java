package dev.cacheserver.application.narinfo;

import dev.cacheserver.domain.model.StorePathHash;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The signed narinfo bytes served recently, bounded in bytes (text plus an estimate of the entry's overhead) and
 * evicting the least recently used. Split into segments by hash so that concurrent hits rarely share a lock; each
 * segment holds an equal share of the budget. Thread-safe.
 */
final class RenderedNarInfoCache {
    /** Key, map entry and array headers of one cached narinfo, roughly. */
    static final int ENTRY_OVERHEAD = 160;
    private static final int SEGMENTS = 16;
    private final Segment[] segments = new Segment[SEGMENTS];

    RenderedNarInfoCache(long maxBytes) {
        for (int i = 0; i < SEGMENTS; i++) {
            segments[i] = new Segment(Math.max(0, maxBytes / SEGMENTS));
        }
    }

    Optional<byte[]> get(StorePathHash hash) {
        return segment(hash).get(hash);
    }

    void put(StorePathHash hash, byte[] rendered) {
        segment(hash).put(hash, rendered);
    }

    void remove(StorePathHash hash) {
        segment(hash).remove(hash);
    }

    /** Bytes held now, overhead included. */
    long bytes() {
        long total = 0;
        for (Segment s : segments) {
            total += s.bytes();
        }
        return total;
    }

    private Segment segment(StorePathHash hash) {
        return segments[Math.floorMod(hash.value().hashCode(), SEGMENTS)];
    }

    private static final class Segment {
        private final long maxBytes;
        private final LinkedHashMap<StorePathHash, byte[]> entries = new LinkedHashMap<>(64, 0.75f, true);
        private long bytes;

        Segment(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        synchronized Optional<byte[]> get(StorePathHash hash) {
            return Optional.ofNullable(entries.get(hash));
        }

        synchronized void put(StorePathHash hash, byte[] rendered) {
            long size = rendered.length + ENTRY_OVERHEAD;
            if (size > maxBytes) {
                remove(hash);
                return;
            }
            byte[] old = entries.put(hash, rendered);
            bytes += size - (old == null ? 0 : old.length + ENTRY_OVERHEAD);
            Iterator<Map.Entry<StorePathHash, byte[]>> eldest = entries.entrySet().iterator();
            while (bytes > maxBytes && eldest.hasNext()) {
                Map.Entry<StorePathHash, byte[]> e = eldest.next();
                bytes -= e.getValue().length + ENTRY_OVERHEAD;
                eldest.remove();
            }
        }

        synchronized void remove(StorePathHash hash) {
            byte[] old = entries.remove(hash);
            if (old != null) {
                bytes -= old.length + ENTRY_OVERHEAD;
            }
        }

        synchronized long bytes() {
            return bytes;
        }
    }
}
