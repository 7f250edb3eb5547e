package dev.cacheserver.adapters.persistence;

import dev.cacheserver.domain.port.inmemory.InMemoryCacheKeyRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryPinRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryTokenRevocations;
import dev.cacheserver.domain.port.inmemory.InMemoryUploadRepository;

/** Holds the in-memory twins to the same contract as the SQLite adapters. */
class InMemoryCachixStateTest extends CachixStateContract {
    @Override
    protected void createPorts() {
        uploads = new InMemoryUploadRepository();
        tokens = new InMemoryTokenRevocations();
        keys = new InMemoryCacheKeyRepository();
        pins = new InMemoryPinRepository();
    }
}
