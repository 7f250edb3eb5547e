package dev.cacheserver.domain.port;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.retention.PathUsage;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Durable narinfos, per cache, keyed by store path hash. {@code save} replaces an existing entry (Nix re-PUTs
 * narinfos to add signatures) and is durable when its stage completes. Non-blocking; stages may complete on
 * any thread. Failures are {@link dev.cacheserver.domain.error.StorageException}.
 */
public interface NarInfoRepository {

    CompletionStage<Void> save(CacheName cache, NarInfo info);

    CompletionStage<Optional<NarInfo>> find(CacheName cache, StorePathHash hash);

    /** Every narinfo of {@code cache}; used once at start to fill the in-memory index. */
    CompletionStage<List<NarInfo>> findAll(CacheName cache);

    /** The subset of {@code hashes} that {@code cache} does not hold, in one query. */
    CompletionStage<Set<StorePathHash>> findMissing(CacheName cache, Collection<StorePathHash> hashes);

    /** True when something was deleted. */
    CompletionStage<Boolean> delete(CacheName cache, StorePathHash hash);

    /** Deletes every listed path of {@code cache} in one transaction; returns how many existed. */
    CompletionStage<Integer> deleteAll(CacheName cache, Collection<StorePathHash> hashes);

    /**
     * Records reads: raises the last-access time of each path to the given instant (never lowers it), in one
     * transaction. Paths that no longer exist are ignored. A save counts as an access by itself.
     */
    CompletionStage<Void> touch(CacheName cache, Map<StorePathHash, Instant> accessedAt);

    /** Hash, references and last access of every path of {@code cache}, for garbage collection. */
    CompletionStage<List<PathUsage>> findUsage(CacheName cache);
}
