package dev.cacheserver.application.narinfo;

import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.NarStore;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Locates the NAR files of one cache. Writing them is the ingest's ({@code application.ingest}). Thread-safe; never
 * blocks.
 */
public final class NarService implements LocateNarUseCase {
    private final NarStore store;

    public NarService(NarStore store) {
        this.store = store;
    }

    @Override
    public CompletionStage<Optional<NarLocation>> locate(NarFile file) {
        return store.locate(file);
    }
}
