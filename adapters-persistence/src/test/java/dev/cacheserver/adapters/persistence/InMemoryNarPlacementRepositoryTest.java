package dev.cacheserver.adapters.persistence;

import dev.cacheserver.domain.port.NarPlacementRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryNarPlacementRepository;

/** Holds the in-memory twin to the same contract as the SQLite adapter. */
class InMemoryNarPlacementRepositoryTest extends NarPlacementRepositoryContract {
    @Override
    protected NarPlacementRepository createRepository() {
        return new InMemoryNarPlacementRepository();
    }
}
