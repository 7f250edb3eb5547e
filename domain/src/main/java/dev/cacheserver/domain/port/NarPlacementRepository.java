package dev.cacheserver.domain.port;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.NarFile;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Durable placement state of the caches whose NARs are spread over several storages: which storage holds
 * each NAR file (once per cache, whatever storage), the bytes and files per storage (kept incrementally, never
 * by walking a storage), and the storage that received the last NAR written (the round-robin position).
 * Placements are read on demand (one key lookup, or a page by file name), never all at once. Each record call
 * is one atomic, durable change. Non-blocking; stages may complete on any thread. Failures are
 * {@link dev.cacheserver.domain.error.StorageException}.
 */
public interface NarPlacementRepository {

    /** The usage per storage and the round-robin position of {@code cache}: a few rows, whatever its size. */
    CompletionStage<State> state(CacheName cache);

    /** Only the bytes and NAR files per storage of {@code cache} (one row per storage, not one per NAR). */
    CompletionStage<Map<String, Usage>> usage(CacheName cache);

    /** Where {@code file} lives in {@code cache}, or empty when it is not recorded (one key lookup). */
    CompletionStage<Optional<Placement>> find(CacheName cache, NarFile file);

    /** Up to {@code limit} placements of {@code cache} whose file names sort after {@code after}, by file name. */
    CompletionStage<List<Placement>> page(CacheName cache, Optional<NarFile> after, int limit);

    /** The subset of {@code files} that {@code cache} has recorded, in one query. */
    CompletionStage<Set<NarFile>> recorded(CacheName cache, Collection<NarFile> files);

    /**
     * Records that {@code storage} now holds {@code file} of {@code size} bytes, adds it to the storage's usage
     * and, when {@code advancesRoundRobin}, makes {@code storage} the last placement. Recording a file the
     * cache already holds changes nothing and answers false; true when the file was newly recorded.
     */
    CompletionStage<Boolean> recordPublished(CacheName cache, String storage, NarFile file, long size,
                                          boolean advancesRoundRobin);

    /** Forgets {@code file} and subtracts it from its storage's usage; false when it was not recorded. */
    CompletionStage<Boolean> recordDeleted(CacheName cache, NarFile file);

    /** Where one NAR file lives, and since when it is recorded. */
    record Placement(NarFile file, String storage, long size, Instant recordedAt) {
    }

    /** Bytes and NAR files recorded for one storage. */
    record Usage(long bytes, long files) {
    }

    /** The per-storage totals and the round-robin position. */
    record State(Map<String, Usage> usage, Optional<String> lastPlacement) {
        public State {
            usage = Map.copyOf(usage);
        }
    }
}
