package dev.cacheserver.domain.port;

import dev.cacheserver.domain.model.ArtifactKind;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StoredArtifact;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What is known about each stored build log and NAR listing, per cache; the bytes are in {@link ArtifactFiles}.
 * {@code save} replaces an earlier entry of the same kind and name. Non-blocking; stages may complete on any
 * thread; failures are {@link dev.cacheserver.domain.error.StorageException}.
 */
public interface ArtifactRepository {

    CompletionStage<Void> save(StoredArtifact artifact);

    CompletionStage<Optional<StoredArtifact>> find(CacheName cache, ArtifactKind kind, String name);

    /**
     * Up to {@code limit} artifacts of {@code cache} stored before {@code storedBefore} whose path is gone: build
     * logs whose derivation is the Deriver of no narinfo left in the cache, listings whose narinfo is gone.
     */
    CompletionStage<List<StoredArtifact>> findOrphans(CacheName cache, Instant storedBefore, int limit);

    CompletionStage<Void> delete(CacheName cache, ArtifactKind kind, String name);
}
