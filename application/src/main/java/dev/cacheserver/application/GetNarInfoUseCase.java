package dev.cacheserver.application;

import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePathHash;
import java.util.Optional;

/**
 * Answers narinfo lookups of one cache from memory. Thread-safe and non-blocking: it is called on event loops
 * for every {@code GET /<hash>.narinfo}. The bytes are the signed narinfo exactly as served.
 */
public interface GetNarInfoUseCase {
    Optional<byte[]> lookup(StorePathHash hash);

    /** Counts a NAR download as an access of the path it belongs to; cheap, never blocks. */
    default void recordNarRead(NarFile file) {
    }
}
