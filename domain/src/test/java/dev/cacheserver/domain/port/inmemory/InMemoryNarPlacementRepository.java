package dev.cacheserver.domain.port.inmemory;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarPlacementRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link NarPlacementRepository} held in memory, for unit tests of other modules. Thread-safe (one lock);
 * every stage is already complete when returned. Pages go by file name, like the SQLite one.
 */
public final class InMemoryNarPlacementRepository implements NarPlacementRepository {
    private final Map<CacheName, CacheState> caches = new HashMap<>();

    @Override
    public CompletionStage<Map<String, Usage>> usage(CacheName cache) {
        return state(cache).thenApply(State::usage);
    }

    @Override
    public synchronized CompletionStage<State> state(CacheName cache) {
        CacheState state = cacheState(cache);
        Map<String, Usage> usage = new HashMap<>();
        for (Placement p : state.placements.values()) {
            usage.merge(p.storage(), new Usage(p.size(), 1), (a, b) -> new Usage(a.bytes() + b.bytes(), a.files() + b.files()));
        }
        return CompletableFuture.completedFuture(new State(usage, Optional.ofNullable(state.last)));
    }

    @Override
    public synchronized CompletionStage<Optional<Placement>> find(CacheName cache, NarFile file) {
        return CompletableFuture.completedFuture(Optional.ofNullable(cacheState(cache).placements.get(file.fileName())));
    }

    @Override
    public synchronized CompletionStage<List<Placement>> page(CacheName cache, Optional<NarFile> after, int limit) {
        TreeMap<String, Placement> all = cacheState(cache).placements;
        var tail = after.isPresent() ? all.tailMap(after.get().fileName(), false) : all;
        List<Placement> page = new ArrayList<>();
        for (Placement p : tail.values()) {
            if (page.size() == limit) {
                break;
            }
            page.add(p);
        }
        return CompletableFuture.completedFuture(page);
    }

    @Override
    public synchronized CompletionStage<Set<NarFile>> recorded(CacheName cache, Collection<NarFile> files) {
        Set<NarFile> found = new HashSet<>();
        for (NarFile file : files) {
            if (cacheState(cache).placements.containsKey(file.fileName())) {
                found.add(file);
            }
        }
        return CompletableFuture.completedFuture(Set.copyOf(found));
    }

    @Override
    public synchronized CompletionStage<Boolean> recordPublished(CacheName cache, String storage, NarFile file,
                                                                 long size, boolean advancesRoundRobin) {
        CacheState state = cacheState(cache);
        boolean added = state.placements.putIfAbsent(file.fileName(), new Placement(file, storage, size, Instant.now()))
                == null;
        if (added && advancesRoundRobin) {
            state.last = storage;
        }
        return CompletableFuture.completedFuture(added);
    }

    @Override
    public synchronized CompletionStage<Boolean> recordDeleted(CacheName cache, NarFile file) {
        return CompletableFuture.completedFuture(cacheState(cache).placements.remove(file.fileName()) != null);
    }

    private CacheState cacheState(CacheName cache) {
        return caches.computeIfAbsent(cache, c -> new CacheState());
    }

    private static final class CacheState {
        final TreeMap<String, Placement> placements = new TreeMap<>();
        String last;
    }
}
