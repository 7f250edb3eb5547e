package dev.cacheserver.domain.port;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.NarFile;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Durable placement state of the caches whose NARs are spread over several storages: which storage holds
 * each NAR file (once per cache, whatever storage), the bytes and files per storage (kept incrementally, never
 * by walking a storage), and the storage that received the last NAR written (the round-robin position).
 * Each record call is one atomic, durable change. Non-blocking; stages may complete on any thread. Failures
 * are {@link dev.cacheserver.domain.error.StorageException}.
 */
public interface NarPlacementRepository {

    /** Everything known about {@code cache}; loaded once at start into memory. */
    CompletionStage<Snapshot> load(CacheName cache);

    /** Only the bytes and NAR files per storage of {@code cache} (one row per storage, not one per NAR). */
    CompletionStage<Map<String, Usage>> usage(CacheName cache);

    /**
     * Records that {@code storage} now holds {@code file} of {@code size} bytes, adds it to the storage's usage
     * and, when {@code advancesRoundRobin}, makes {@code storage} the last placement. Recording a file the
     * cache already holds changes nothing.
     */
    CompletionStage<Void> recordPublished(CacheName cache, String storage, NarFile file, long size,
                                          boolean advancesRoundRobin);

    /** Forgets {@code file} and subtracts it from its storage's usage; false when it was not recorded. */
    CompletionStage<Boolean> recordDeleted(CacheName cache, NarFile file);

    /** Where one NAR file lives. */
    record Placement(NarFile file, String storage, long size) {
    }

    /** Bytes and NAR files recorded for one storage. */
    record Usage(long bytes, long files) {
    }

    record Snapshot(List<Placement> placements, Map<String, Usage> usage, Optional<String> lastPlacement) {
        public Snapshot {
            placements = List.copyOf(placements);
            usage = Map.copyOf(usage);
        }
    }
}
