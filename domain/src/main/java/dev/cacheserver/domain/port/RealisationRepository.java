package dev.cacheserver.domain.port;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.DrvOutputId;
import dev.cacheserver.domain.narinfo.Realisation;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Realisations of content-addressed derivation outputs, per cache, keyed by {@link DrvOutputId}. {@code save}
 * replaces an earlier one (a re-upload may add signatures). Non-blocking; stages may complete on any thread;
 * failures are {@link dev.cacheserver.domain.error.StorageException}.
 */
public interface RealisationRepository {

    CompletionStage<Void> save(CacheName cache, Realisation realisation, Instant storedAt);

    CompletionStage<Optional<Realisation>> find(CacheName cache, DrvOutputId id);

    /**
     * Deletes up to {@code limit} realisations of {@code cache} saved before {@code storedBefore} whose output path
     * has no narinfo left in the cache; returns how many were deleted.
     */
    CompletionStage<Integer> deleteOrphans(CacheName cache, Instant storedBefore, int limit);
}
