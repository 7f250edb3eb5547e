package dev.cacheserver.application.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A small, thread-safe map whose entries expire after a fixed time and whose oldest entries go past a size bound. */
public final class ExpiringMap<K, V> {
    private final Clock clock;
    private final Duration ttl;
    private final LinkedHashMap<K, Entry<V>> entries;

    private record Entry<V>(V value, Instant expires) {
    }

    public ExpiringMap(Clock clock, Duration ttl, int maxEntries) {
        this.clock = clock;
        this.ttl = ttl;
        this.entries = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
                return size() > maxEntries;
            }
        };
    }

    public synchronized void put(K key, V value) {
        entries.remove(key);
        entries.put(key, new Entry<>(value, clock.instant().plus(ttl)));
    }

    public synchronized Optional<V> get(K key) {
        Entry<V> entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(entry.expires())) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.of(entry.value());
    }

    public synchronized void remove(K key) {
        entries.remove(key);
    }
}
