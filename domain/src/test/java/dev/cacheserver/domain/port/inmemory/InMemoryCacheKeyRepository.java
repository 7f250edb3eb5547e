package dev.cacheserver.domain.port.inmemory;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.port.CacheKeyRepository;
import dev.cacheserver.domain.signing.PublicSigningKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@link CacheKeyRepository} in memory, for unit tests; thread-safe, stages complete immediately. */
public final class InMemoryCacheKeyRepository implements CacheKeyRepository {
    private final Map<CacheName, List<PublicSigningKey>> keys = new HashMap<>();

    @Override
    public synchronized CompletionStage<Void> register(CacheName cache, PublicSigningKey key) {
        List<PublicSigningKey> own = keys.computeIfAbsent(cache, c -> new ArrayList<>());
        if (!own.contains(key)) {
            own.add(key);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<List<PublicSigningKey>> keys(CacheName cache) {
        return CompletableFuture.completedFuture(List.copyOf(keys.getOrDefault(cache, List.of())));
    }
}
