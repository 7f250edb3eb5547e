package dev.cacheserver.application.narinfo;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.NarInfoRepository;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Use case: remove paths from one cache (garbage collection, admin removal). The paths stop being served, their
 * rows go in one transaction, then the listeners hear of each (the DHT withdraws them). NARs are left to the caller,
 * who deletes one once no narinfo uses it: a served narinfo never points at a missing NAR. Thread-safe; never blocks.
 */
public final class NarInfoRemoval {
    private final CacheProfile cache;
    private final NarInfoRepository repository;
    private final ServedNarInfos served;
    private final List<NarInfoListener> listeners;

    NarInfoRemoval(CacheProfile cache, NarInfoRepository repository, ServedNarInfos served,
                   List<NarInfoListener> listeners) {
        this.cache = cache;
        this.repository = repository;
        this.served = served;
        this.listeners = listeners;
    }

    /** Removes every listed path; completes with how many existed. */
    public CompletionStage<Integer> removeAll(List<StorePathHash> hashes) {
        List<StorePathHash> batch = List.copyOf(hashes);
        served.removing(batch);
        return repository.deleteAll(cache.name(), batch).thenApply(count -> {
            served.removed(batch);
            batch.forEach(hash -> listeners.forEach(l -> l.deleted(hash)));
            return count;
        });
    }
}
