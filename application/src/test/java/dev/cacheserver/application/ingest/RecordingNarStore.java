package dev.cacheserver.application.ingest;

import dev.cacheserver.domain.error.StorageFullException;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.port.inmemory.InMemoryNarStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The in-memory store, recording which of its operations were called in which order; optionally full, reporting a
 * failed write as {@link StorageFullException} as the local store does when the disk ran out of space.
 */
final class RecordingNarStore implements NarStore {
    final InMemoryNarStore store;
    final List<String> calls = new CopyOnWriteArrayList<>();
    boolean full;

    RecordingNarStore(Path dir) {
        this.store = new InMemoryNarStore(dir);
    }

    /** The calls that make the ingest sequence (admission and the narinfo's own reads left out). */
    List<String> sequence() {
        return calls.stream().filter(c -> !c.equals("admit")).toList();
    }

    @Override
    public CompletionStage<Path> createSpoolFile() {
        calls.add("spool");
        return store.createSpoolFile();
    }

    @Override
    public CompletionStage<Void> publish(Path spool, NarFile file) {
        calls.add("publish");
        return store.publish(spool, file);
    }

    @Override
    public CompletionStage<Void> discard(Path spool) {
        calls.add("discard");
        return store.discard(spool);
    }

    @Override
    public CompletionStage<Throwable> abandon(Path spool, Throwable cause) {
        calls.add("abandon");
        return store.discard(spool).thenApply(v -> full ? new StorageFullException("storage disk-1 is full", cause)
                : cause);
    }

    @Override
    public CompletionStage<Void> admit(long bytes) {
        calls.add("admit");
        return store.admit(bytes);
    }

    @Override
    public CompletionStage<Optional<NarLocation>> locate(NarFile file) {
        calls.add("locate");
        return store.locate(file);
    }

    @Override
    public CompletionStage<Boolean> delete(NarFile file) {
        calls.add("delete");
        return store.delete(file);
    }

    @Override
    public CompletionStage<StorageUsage> usage() {
        return store.usage();
    }
}
