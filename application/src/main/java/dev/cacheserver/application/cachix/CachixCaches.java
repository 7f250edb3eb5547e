package dev.cacheserver.application.cachix;

import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.model.CacheName;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The caches the Cachix API serves, by name. Caches are {@link #add added} as the server starts them (part
 * uploads are received before the API knows every cache). Thread-safe.
 */
public final class CachixCaches {
    private final Map<String, CachixCache> byName = new ConcurrentHashMap<>();

    public CachixCaches(Collection<CachixCache> caches) {
        caches.forEach(this::add);
    }

    public void add(CachixCache cache) {
        byName.put(cache.profile().name().value(), cache);
    }

    /** The cache called {@code name}; NotFoundException (404) when there is none or the name is not valid. */
    public CachixCache find(String name) {
        CachixCache cache = CacheName.isValid(name) ? byName.get(name) : null;
        if (cache == null) {
            throw new NotFoundException("binary cache " + (name.length() > 64 ? name.substring(0, 64) : name)
                    + " does not exist");
        }
        return cache;
    }

    public Collection<CachixCache> all() {
        return byName.values();
    }
}
