package dev.cacheserver.domain.port.inmemory;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.NarInfoRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A {@link NarInfoRepository} held in memory, for unit tests of other modules. Thread-safe; every stage is
 * already complete when returned. Pages are in store path hash order, like the SQLite adapter. Nothing is
 * durable beyond the object's life.
 */
public final class InMemoryNarInfoRepository implements NarInfoRepository {
    private final Map<CacheName, ConcurrentSkipListMap<StorePathHash, NarInfo>> caches = new ConcurrentHashMap<>();
    private final Map<CacheName, Map<StorePathHash, Instant>> accessed = new ConcurrentHashMap<>();
    private final Map<CacheName, Set<StorePathHash>> kept = new ConcurrentHashMap<>();
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
        return done(null);
    }

    @Override
    public CompletionStage<Optional<NarInfo>> find(CacheName cache, StorePathHash hash) {
        Objects.requireNonNull(hash, "hash");
        return done(Optional.ofNullable(entries(cache).get(hash)));
    }

    @Override
    public CompletionStage<Long> count(CacheName cache) {
        return done((long) entries(cache).size());
    }

    @Override
    public CompletionStage<List<StorePathHash>> hashesAfter(CacheName cache, Optional<StorePathHash> after, int limit) {
        Map<StorePathHash, NarInfo> tail = after.isPresent() ? entries(cache).tailMap(after.get(), false)
                : entries(cache);
        return done(tail.keySet().stream().limit(limit).toList());
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
        return done(Set.copyOf(missing));
    }

    @Override
    public CompletionStage<Set<StorePathHash>> closure(CacheName cache, Collection<StorePathHash> roots) {
        return done(Set.copyOf(walk(cache, roots, Set.of())));
    }

    @Override
    public CompletionStage<List<StorePathHash>> referrers(CacheName cache, StorePathHash hash, int limit) {
        return done(entries(cache).values().stream()
                .filter(info -> !info.storePath().hash().equals(hash)
                        && info.references().stream().anyMatch(ref -> ref.hash().equals(hash)))
                .map(info -> info.storePath().hash()).limit(limit).toList());
    }

    @Override
    public CompletionStage<List<StorePathHash>> pathsUsing(CacheName cache, NarFile file, int limit) {
        return done(entries(cache).values().stream().filter(info -> info.narFile().equals(file))
                .map(info -> info.storePath().hash()).limit(limit).toList());
    }

    @Override
    public CompletionStage<Set<NarFile>> narFilesInUse(CacheName cache, Collection<NarFile> files) {
        Set<NarFile> asked = Set.copyOf(files);
        Set<NarFile> used = new HashSet<>();
        entries(cache).values().forEach(info -> {
            if (asked.contains(info.narFile())) {
                used.add(info.narFile());
            }
        });
        return done(Set.copyOf(used));
    }

    @Override
    public CompletionStage<Boolean> delete(CacheName cache, StorePathHash hash) {
        Objects.requireNonNull(hash, "hash");
        accessTimes(cache).remove(hash);
        return done(entries(cache).remove(hash) != null);
    }

    @Override
    public CompletionStage<Integer> deleteAll(CacheName cache, Collection<StorePathHash> hashes) {
        int deleted = 0;
        for (StorePathHash hash : Set.copyOf(hashes)) {
            accessTimes(cache).remove(hash);
            deleted += entries(cache).remove(hash) != null ? 1 : 0;
        }
        return done(deleted);
    }

    @Override
    public CompletionStage<Void> touch(CacheName cache, Map<StorePathHash, Instant> accessedAt) {
        Map<StorePathHash, NarInfo> entries = entries(cache);
        accessedAt.forEach((hash, at) -> {
            if (entries.containsKey(hash)) {
                accessTimes(cache).merge(hash, at, (old, now) -> now.isAfter(old) ? now : old);
            }
        });
        return done(null);
    }

    @Override
    public CompletionStage<Void> touchNars(CacheName cache, Map<NarFile, Instant> readAt) {
        entries(cache).values().forEach(info -> {
            Instant at = readAt.get(info.narFile());
            if (at != null) {
                accessTimes(cache).merge(info.storePath().hash(), at, (old, now) -> now.isAfter(old) ? now : old);
            }
        });
        return done(null);
    }

    @Override
    public CompletionStage<Void> clearKeepMarks(CacheName cache) {
        marks(cache).clear();
        return done(null);
    }

    @Override
    public CompletionStage<Long> markKept(CacheName cache, Instant accessedSince, Collection<StorePathHash> pinned) {
        List<StorePathHash> roots = new ArrayList<>(pinned);
        accessTimes(cache).forEach((hash, at) -> {
            if (!at.isBefore(accessedSince)) {
                roots.add(hash);
            }
        });
        Set<StorePathHash> marks = marks(cache);
        marks.addAll(walk(cache, roots, marks));
        return done((long) entries(cache).size());
    }

    @Override
    public CompletionStage<List<NarInfo>> unmarkedPage(CacheName cache, Instant accessedBefore,
                                                       Optional<StorePathHash> after, int limit) {
        Map<StorePathHash, NarInfo> tail = after.isPresent() ? entries(cache).tailMap(after.get(), false)
                : entries(cache);
        Set<StorePathHash> marks = marks(cache);
        return done(tail.values().stream()
                .filter(info -> !marks.contains(info.storePath().hash())
                        && accessTimes(cache).getOrDefault(info.storePath().hash(), Instant.EPOCH).isBefore(accessedBefore))
                .limit(limit).toList());
    }

    @Override
    public CompletionStage<List<NarInfo>> unmarkedPage(CacheName cache, Instant accessedSince, Instant accessedBefore,
                                                       Optional<StorePathHash> after, int limit) {
        return done(unmarkedPage(cache, accessedBefore, after, Integer.MAX_VALUE).toCompletableFuture().join()
                .stream().filter(info -> !accessOf(cache, info).isBefore(accessedSince)).limit(limit).toList());
    }

    @Override
    public CompletionStage<List<StorePath>> storePathsAfter(CacheName cache, String filter,
                                                            Optional<StorePathHash> after, int limit) {
        Map<StorePathHash, NarInfo> tail = after.isPresent() ? entries(cache).tailMap(after.get(), false)
                : entries(cache);
        return done(tail.values().stream().map(NarInfo::storePath)
                .filter(path -> path.fullPath().contains(filter)).limit(limit).toList());
    }

    @Override
    public CompletionStage<Optional<Instant>> lastAccess(CacheName cache, StorePathHash hash) {
        return done(entries(cache).containsKey(hash) ? Optional.ofNullable(accessTimes(cache).get(hash))
                : Optional.empty());
    }

    @Override
    public CompletionStage<Long> storedBytes(CacheName cache) {
        return done(bytesOf(entries(cache).values()));
    }

    @Override
    public CompletionStage<Long> keptBytes(CacheName cache) {
        return done(bytesOf(kept(cache)));
    }

    @Override
    public CompletionStage<List<StorePathHash>> unmarkedByRecency(CacheName cache, Instant accessedSince,
                                                                  Instant accessedBefore, int limit) {
        Set<StorePathHash> marks = marks(cache);
        return done(entries(cache).values().stream()
                .filter(info -> !marks.contains(info.storePath().hash()))
                .filter(info -> !accessOf(cache, info).isBefore(accessedSince)
                        && accessOf(cache, info).isBefore(accessedBefore))
                .sorted(Comparator.comparing((NarInfo info) -> accessOf(cache, info)).reversed()
                        .thenComparing(info -> info.storePath().hash()))
                .map(info -> info.storePath().hash()).limit(limit).toList());
    }

    @Override
    public CompletionStage<List<StorePathHash>> unmarkedByRecency(CacheName cache, Instant accessedSince,
                                                                  Instant accessedBefore, Optional<StorePathHash> after,
                                                                  int limit) {
        // Everything before the cursor is marked, so the plain answer is the same.
        return unmarkedByRecency(cache, accessedSince, accessedBefore, limit);
    }

    @Override
    public synchronized CompletionStage<KeptWithin> markKeptWithin(CacheName cache, List<StorePathHash> paths,
                                                                    long budget) {
        long added = 0;
        for (StorePathHash hash : paths) {
            OptionalLong bytes = keepWithin(cache, hash, budget - added);
            if (bytes.isEmpty()) {
                return done(new KeptWithin(added, true));
            }
            added += bytes.getAsLong();
        }
        return done(new KeptWithin(added, false));
    }

    private OptionalLong keepWithin(CacheName cache, StorePathHash hash, long budget) {
        Set<StorePathHash> marks = marks(cache);
        Set<StorePathHash> adding = walk(cache, List.of(hash), marks);
        Set<NarFile> keptFiles = new HashSet<>();
        kept(cache).forEach(info -> keptFiles.add(info.narFile()));
        Map<NarFile, Long> added = new HashMap<>();
        adding.forEach(h -> {
            NarInfo info = entries(cache).get(h);
            if (!keptFiles.contains(info.narFile())) {
                added.merge(info.narFile(), info.fileSize(), Math::max);
            }
        });
        long bytes = added.values().stream().mapToLong(Long::longValue).sum();
        if (bytes > budget) {
            return OptionalLong.empty();
        }
        marks.addAll(adding);
        return OptionalLong.of(bytes);
    }

    private List<NarInfo> kept(CacheName cache) {
        Set<StorePathHash> marks = marks(cache);
        return entries(cache).values().stream().filter(info -> marks.contains(info.storePath().hash())).toList();
    }

    private static long bytesOf(Collection<NarInfo> infos) {
        Map<NarFile, Long> files = new HashMap<>();
        infos.forEach(info -> files.merge(info.narFile(), info.fileSize(), Math::max));
        return files.values().stream().mapToLong(Long::longValue).sum();
    }

    private Instant accessOf(CacheName cache, NarInfo info) {
        return accessTimes(cache).getOrDefault(info.storePath().hash(), Instant.EPOCH);
    }

    /** The held roots and every held path they reference, not descending into {@code done}. */
    private Set<StorePathHash> walk(CacheName cache, Collection<StorePathHash> roots, Set<StorePathHash> done) {
        Map<StorePathHash, NarInfo> entries = entries(cache);
        Deque<StorePathHash> todo = new ArrayDeque<>(roots);
        Set<StorePathHash> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            StorePathHash next = todo.pop();
            NarInfo info = entries.get(next);
            if (info != null && !done.contains(next) && seen.add(next)) {
                info.references().stream().map(StorePath::hash).forEach(todo::push);
            }
        }
        return seen;
    }

    private Set<StorePathHash> marks(CacheName cache) {
        return kept.computeIfAbsent(cache, c -> ConcurrentHashMap.newKeySet());
    }

    private Map<StorePathHash, Instant> accessTimes(CacheName cache) {
        return accessed.computeIfAbsent(cache, c -> new ConcurrentHashMap<>());
    }

    private ConcurrentSkipListMap<StorePathHash, NarInfo> entries(CacheName cache) {
        Objects.requireNonNull(cache, "cache");
        return caches.computeIfAbsent(cache, c -> new ConcurrentSkipListMap<>());
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
