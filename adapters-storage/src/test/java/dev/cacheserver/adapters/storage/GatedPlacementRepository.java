package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarPlacementRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryNarPlacementRepository;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An in-memory placement repository whose answers a test can hold back: the reconcile's "which of these are
 * recorded" queries wait for {@link #walkMayGoOn}, and records that advance the round-robin position (the
 * publishes) wait for {@link #publishMayRecord}. This orders a restart's background reconcile against the first
 * uploads the way a slow database can.
 */
final class GatedPlacementRepository implements NarPlacementRepository {
    final InMemoryNarPlacementRepository delegate;
    final CompletableFuture<Void> walkMayGoOn = new CompletableFuture<>();
    final CompletableFuture<Void> publishMayRecord = new CompletableFuture<>();

    GatedPlacementRepository(InMemoryNarPlacementRepository delegate) {
        this.delegate = delegate;
    }

    @Override
    public CompletionStage<State> state(CacheName cache) {
        return delegate.state(cache);
    }

    @Override
    public CompletionStage<Map<String, Usage>> usage(CacheName cache) {
        return delegate.usage(cache);
    }

    @Override
    public CompletionStage<Optional<Placement>> find(CacheName cache, NarFile file) {
        return delegate.find(cache, file);
    }

    @Override
    public CompletionStage<List<Placement>> page(CacheName cache, Optional<NarFile> after, int limit) {
        return delegate.page(cache, after, limit);
    }

    @Override
    public CompletionStage<Set<NarFile>> recorded(CacheName cache, Collection<NarFile> files) {
        return walkMayGoOn.thenCompose(v -> delegate.recorded(cache, files));
    }

    @Override
    public CompletionStage<Boolean> recordPublished(CacheName cache, String storage, NarFile file, long size,
                                                 boolean advancesRoundRobin) {
        CompletionStage<Void> gate = advancesRoundRobin ? publishMayRecord : CompletableFuture.completedFuture(null);
        return gate.thenCompose(v -> delegate.recordPublished(cache, storage, file, size, advancesRoundRobin));
    }

    @Override
    public CompletionStage<Boolean> recordDeleted(CacheName cache, NarFile file) {
        return delegate.recordDeleted(cache, file);
    }
}
