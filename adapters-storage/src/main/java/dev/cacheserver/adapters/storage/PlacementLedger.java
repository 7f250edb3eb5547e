package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarPlacementRepository;
import dev.cacheserver.domain.port.NarPlacementRepository.State;
import dev.cacheserver.domain.port.NarStore.StorageUsage;
import dev.cacheserver.domain.port.NarStore.StoredNar;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which storage of a group holds each NAR file, kept in the {@link NarPlacementRepository}: every change is
 * written there first, then mirrored in the usage per storage and the round-robin position held in memory.
 * Placements are read on demand, behind a bounded cache of the {@value #PLACEMENT_CACHE} most recently used, so
 * the heap does not grow with the number of NARs.
 */
final class PlacementLedger {
    // Under the name it always logged as: operators filter on it.
    private static final Logger LOG = LoggerFactory.getLogger(StorageGroupNarStore.class);
    /** Placements kept in memory, most recently used first: a NAR is usually fetched soon after its narinfo. */
    static final int PLACEMENT_CACHE = 4096;

    /** Where one NAR file is: the index of its storage in the group, and its size. */
    record Placed(int member, long size) {
    }

    private final CacheName cache;
    private final GroupMembers members;
    private final NarPlacementRepository repository;
    private final PlacementCache<Placed> placements = new PlacementCache<>(PLACEMENT_CACHE);
    private final AtomicLong[] bytes;
    private final AtomicLong[] files;
    private volatile Optional<String> lastPlacement;

    /** Starts from the usage per storage and the round-robin position read at open. */
    PlacementLedger(CacheName cache, GroupMembers members, NarPlacementRepository repository, State snapshot) {
        this.cache = cache;
        this.members = members;
        this.repository = repository;
        int n = members.size();
        this.bytes = new AtomicLong[n];
        this.files = new AtomicLong[n];
        for (int i = 0; i < n; i++) {
            NarPlacementRepository.Usage usage = snapshot.usage().get(members.name(i));
            bytes[i] = new AtomicLong(usage == null ? 0 : usage.bytes());
            files[i] = new AtomicLong(usage == null ? 0 : usage.files());
        }
        this.lastPlacement = snapshot.lastPlacement();
        for (String storage : snapshot.usage().keySet()) {
            if (members.indexOf(storage) < 0) {
                LOG.warn("cache {}: storage '{}' holds recorded NARs but is no longer configured; they are not served",
                        cache, storage);
            }
        }
    }

    NarPlacementRepository repository() {
        return repository;
    }

    /** The storage that received the last NAR written (the round-robin position), if known. */
    Optional<String> lastPlacement() {
        return lastPlacement;
    }

    long bytes(int member) {
        return bytes[member].get();
    }

    long files(int member) {
        return files[member].get();
    }

    StorageUsage total() {
        long totalBytes = 0;
        long totalFiles = 0;
        for (int i = 0; i < members.size(); i++) {
            totalBytes += bytes[i].get();
            totalFiles += files[i].get();
        }
        return new StorageUsage(totalBytes, totalFiles);
    }

    /** True when the file was newly recorded (then it counts in the storage's usage). */
    CompletionStage<Boolean> record(int member, NarFile file, long size, boolean advancesRoundRobin) {
        String name = members.name(member);
        return repository.recordPublished(cache, name, file, size, advancesRoundRobin).thenApply(added -> {
            if (added) {
                bytes[member].addAndGet(size);
                files[member].incrementAndGet();
                if (advancesRoundRobin) {
                    lastPlacement = Optional.of(name);
                }
                placements.put(file.fileName(), new Placed(member, size));
            }
            return added;
        });
    }

    /** True when the file was recorded (then it no longer counts in the storage's usage). */
    CompletionStage<Boolean> forget(NarFile file, int member, long size) {
        return repository.recordDeleted(cache, file).thenApply(recorded -> {
            placements.remove(file.fileName());
            if (recorded) {
                bytes[member].addAndGet(-size);
                files[member].decrementAndGet();
            }
            return recorded;
        });
    }

    /** Where {@code file} is recorded: from the cache of recent placements, else one repository lookup. */
    CompletionStage<Optional<Placed>> placed(NarFile file) {
        Placed recent = placements.get(file.fileName());
        if (recent != null) {
            return CompletableFuture.completedFuture(Optional.of(recent));
        }
        return repository.find(cache, file).thenApply(found -> found.flatMap(p -> {
            int index = members.indexOf(p.storage());
            if (index < 0) {
                LOG.debug("cache {}: {} is recorded in storage '{}', which is no longer configured; not served",
                        cache, p.file().fileName(), p.storage());
                return Optional.empty();
            }
            Placed placed = new Placed(index, p.size());
            placements.put(file.fileName(), placed);
            return Optional.of(placed);
        }));
    }

    /** Walks the records of configured storages by file name, a page per repository query. */
    CompletionStage<Void> walk(int pageSize, Function<List<StoredNar>, CompletionStage<Void>> visitor) {
        return walkAfter(Optional.empty(), pageSize, visitor);
    }

    private CompletionStage<Void> walkAfter(Optional<NarFile> after, int pageSize,
                                            Function<List<StoredNar>, CompletionStage<Void>> visitor) {
        return repository.page(cache, after, pageSize).thenCompose(page -> {
            if (page.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            List<StoredNar> served = page.stream().filter(p -> members.indexOf(p.storage()) >= 0)
                    .map(p -> new StoredNar(p.file(), p.size(), p.recordedAt())).toList();
            Optional<NarFile> last = Optional.of(page.get(page.size() - 1).file());
            CompletionStage<Void> visited = served.isEmpty() ? CompletableFuture.completedFuture(null)
                    : visitor.apply(served);
            return visited.thenCompose(v -> walkAfter(last, pageSize, visitor));
        });
    }

    /** How many placements are cached in memory (bounded by {@value #PLACEMENT_CACHE}). */
    int placementsInMemory() {
        return placements.size();
    }
}
