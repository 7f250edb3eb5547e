package dev.cacheserver.domain.port.inmemory;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.retention.PathUsage;
import java.time.Clock;
import java.time.Instant;
import dev.cacheserver.domain.port.NarInfoRepository;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A {@link NarInfoRepository} held in memory, for unit tests of other modules. Thread-safe; every stage is
 * already complete when returned. {@link #findAll} lists entries sorted by store path hash, like the SQLite
 * adapter. Nothing is durable beyond the object's life.
 */
public final class InMemoryNarInfoRepository implements NarInfoRepository {
    private final Map<CacheName, Map<StorePathHash, NarInfo>> caches = new ConcurrentHashMap<>();
    private final Map<CacheName, Map<StorePathHash, Instant>> accessed = new ConcurrentHashMap<>();
    private final Clock clock;

    public InMemoryNarInfoRepository() {
        this(Clock.systemUTC());
    }

    public InMemoryNarInfoRepository(Clock clock) {
        this.clock = clock;
    }

    @Override
    public CompletionStage<Void> save(CacheName cache, NarInfo info) {
        Objects.requireNonNull(info, "info");
        entries(cache).put(info.storePath().hash(), info);
        accessTimes(cache).put(info.storePath().hash(), clock.instant());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Integer> deleteAll(CacheName cache, Collection<StorePathHash> hashes) {
        int deleted = 0;
        for (StorePathHash hash : hashes) {
            accessTimes(cache).remove(hash);
            deleted += entries(cache).remove(hash) != null ? 1 : 0;
        }
        return CompletableFuture.completedFuture(deleted);
    }

    @Override
    public CompletionStage<Void> touch(CacheName cache, Map<StorePathHash, Instant> accessedAt) {
        Map<StorePathHash, NarInfo> entries = entries(cache);
        accessedAt.forEach((hash, at) -> {
            if (entries.containsKey(hash)) {
                accessTimes(cache).merge(hash, at, (old, now) -> now.isAfter(old) ? now : old);
            }
        });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<List<PathUsage>> findUsage(CacheName cache) {
        List<PathUsage> usage = entries(cache).values().stream().map(info -> new PathUsage(info.storePath().hash(),
                info.references().stream().map(StorePath::hash).collect(Collectors.toSet()),
                accessTimes(cache).getOrDefault(info.storePath().hash(), Instant.EPOCH))).toList();
        return CompletableFuture.completedFuture(usage);
    }

    private Map<StorePathHash, Instant> accessTimes(CacheName cache) {
        return accessed.computeIfAbsent(cache, c -> new ConcurrentHashMap<>());
    }

    @Override
    public CompletionStage<Optional<NarInfo>> find(CacheName cache, StorePathHash hash) {
        Objects.requireNonNull(hash, "hash");
        return CompletableFuture.completedFuture(Optional.ofNullable(entries(cache).get(hash)));
    }

    @Override
    public CompletionStage<List<NarInfo>> findAll(CacheName cache) {
        List<NarInfo> all = entries(cache).values().stream()
                .sorted(Comparator.comparing(info -> info.storePath().hash()))
                .toList();
        return CompletableFuture.completedFuture(all);
    }

    @Override
    public CompletionStage<Set<StorePathHash>> findMissing(CacheName cache, Collection<StorePathHash> hashes) {
        Map<StorePathHash, NarInfo> entries = entries(cache);
        Set<StorePathHash> missing = new HashSet<>();
        for (StorePathHash hash : hashes) {
            if (!entries.containsKey(Objects.requireNonNull(hash, "hash"))) {
                missing.add(hash);
            }
        }
        return CompletableFuture.completedFuture(Set.copyOf(missing));
    }

    @Override
    public CompletionStage<Boolean> delete(CacheName cache, StorePathHash hash) {
        Objects.requireNonNull(hash, "hash");
        accessTimes(cache).remove(hash);
        return CompletableFuture.completedFuture(entries(cache).remove(hash) != null);
    }

    private Map<StorePathHash, NarInfo> entries(CacheName cache) {
        Objects.requireNonNull(cache, "cache");
        return caches.computeIfAbsent(cache, c -> new ConcurrentHashMap<>());
    }
}
