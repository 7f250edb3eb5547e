package dev.cacheserver.application.narinfo;

import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePathHash;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Answers narinfo lookups of one cache. Thread-safe and non-blocking: it is called on event loops for every
 * {@code GET /<hash>.narinfo}; a recently served narinfo comes back as an already completed stage, others after one
 * key lookup off the calling thread. The bytes are the signed narinfo exactly as served; empty when the cache does
 * not hold the path. Fails with StorageException when the repository cannot answer.
 */
interface GetNarInfoUseCase {
    CompletionStage<Optional<byte[]>> lookup(StorePathHash hash);

    /** Counts a NAR download as an access of the paths it belongs to; cheap, never blocks. */
    default void recordNarRead(NarFile file) {
    }
}
