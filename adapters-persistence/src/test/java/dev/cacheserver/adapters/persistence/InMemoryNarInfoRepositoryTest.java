package dev.cacheserver.adapters.persistence;

import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryNarInfoRepository;

/** Holds the in-memory twin that other modules' unit tests use to the same contract as the real adapter. */
class InMemoryNarInfoRepositoryTest extends NarInfoRepositoryContract {
    @Override
    protected NarInfoRepository createRepository() {
        return new InMemoryNarInfoRepository();
    }
}
