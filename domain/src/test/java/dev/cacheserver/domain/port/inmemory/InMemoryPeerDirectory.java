package dev.cacheserver.domain.port.inmemory;

import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.PeerDirectory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link PeerDirectory} held in memory: one instance is one whole "network", shared by the nodes of a test.
 * Announcements are visible at once and withdrawals remove them at once. Thread-safe; stages are complete when
 * returned.
 */
public final class InMemoryPeerDirectory implements PeerDirectory {
    private final Map<StorePathHash, Set<Provider>> providers = new ConcurrentHashMap<>();
    private final AtomicLong announced = new AtomicLong();
    private final AtomicLong withdrawn = new AtomicLong();
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong found = new AtomicLong();

    @Override
    public CompletionStage<Void> announce(Provider self, Collection<StorePathHash> hashes) {
        for (StorePathHash hash : hashes) {
            if (providers.computeIfAbsent(hash, h -> ConcurrentHashMap.newKeySet()).add(self)) {
                announced.incrementAndGet();
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> withdraw(Provider self, Collection<StorePathHash> hashes) {
        for (StorePathHash hash : hashes) {
            Set<Provider> set = providers.get(hash);
            if (set != null && set.remove(self)) {
                withdrawn.incrementAndGet();
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<List<Provider>> findProviders(StorePathHash hash) {
        lookups.incrementAndGet();
        List<Provider> result = new ArrayList<>(new LinkedHashSet<>(providers.getOrDefault(hash, Set.of())));
        if (!result.isEmpty()) {
            found.incrementAndGet();
        }
        return CompletableFuture.completedFuture(result);
    }

    @Override
    public CompletionStage<DirectoryStatus> status() {
        return CompletableFuture.completedFuture(new DirectoryStatus("in-memory", "", "", 0, 0, List.of(), 0,
                announced.get(), 0, withdrawn.get(), lookups.get(), found.get(), 0, 0));
    }

    /** Every hash that {@code self} has announced and not withdrawn, for assertions. */
    public Set<StorePathHash> announcedBy(Provider self) {
        Set<StorePathHash> result = new LinkedHashSet<>();
        providers.forEach((hash, set) -> {
            if (set.contains(self)) {
                result.add(hash);
            }
        });
        return result;
    }
}
