package dev.cacheserver.adapters.storage;

import java.util.LinkedHashMap;
import java.util.Map;

/** A thread-safe map of at most {@code capacity} entries that forgets the least recently used first. */
final class PlacementCache<V> {
    private final Map<String, V> entries;

    PlacementCache(int capacity) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized V get(String key) {
        return entries.get(key);
    }

    synchronized void put(String key, V value) {
        entries.put(key, value);
    }

    synchronized void remove(String key) {
        entries.remove(key);
    }

    synchronized int size() {
        return entries.size();
    }
}
