package dev.cacheserver.domain.port.inmemory;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarPlacementRepository;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link NarPlacementRepository} held in memory, for unit tests of other modules. Thread-safe (one lock);
 * every stage is already complete when returned. Snapshots list placements by file name, like the SQLite one.
 */
public final class InMemoryNarPlacementRepository implements NarPlacementRepository {
    private final Map<CacheName, State> caches = new HashMap<>();

    @Override
    public CompletionStage<Map<String, Usage>> usage(CacheName cache) {
        return load(cache).thenApply(Snapshot::usage);
    }

    @Override
    public synchronized CompletionStage<Snapshot> load(CacheName cache) {
        State state = state(cache);
        List<Placement> placements = new ArrayList<>(state.placements.values());
        placements.sort(Comparator.comparing(p -> p.file().fileName()));
        Map<String, Usage> usage = new HashMap<>();
        for (Placement p : placements) {
            usage.merge(p.storage(), new Usage(p.size(), 1), (a, b) -> new Usage(a.bytes() + b.bytes(), a.files() + b.files()));
        }
        return CompletableFuture.completedFuture(new Snapshot(placements, usage, Optional.ofNullable(state.last)));
    }

    @Override
    public synchronized CompletionStage<Void> recordPublished(CacheName cache, String storage, NarFile file, long size,
                                                              boolean advancesRoundRobin) {
        State state = state(cache);
        if (state.placements.putIfAbsent(file.fileName(), new Placement(file, storage, size)) == null
                && advancesRoundRobin) {
            state.last = storage;
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Boolean> recordDeleted(CacheName cache, NarFile file) {
        return CompletableFuture.completedFuture(state(cache).placements.remove(file.fileName()) != null);
    }

    private State state(CacheName cache) {
        return caches.computeIfAbsent(cache, c -> new State());
    }

    private static final class State {
        final Map<String, Placement> placements = new LinkedHashMap<>();
        String last;
    }
}
