package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.port.inmemory.InMemoryNarStore;
import java.nio.file.Path;

/** Keeps the test double in the domain test-jar honest: it must pass the same contract as the real store. */
class InMemoryNarStoreTest extends NarStoreContract {
    @Override
    protected NarStore openStore(Path directory) {
        return new InMemoryNarStore(directory);
    }
}
