package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.error.StorageFullException;
import dev.cacheserver.domain.error.UnavailableException;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.NarPlacementRepository;
import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.storage.Capacity;
import dev.cacheserver.domain.storage.PlacementStrategy;
import dev.cacheserver.domain.storage.StorageStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NAR store of a cache with one or more storages ({@code local} or {@code s3}): each new NAR goes to the
 * storage the {@link PlacementStrategy} picks among those that are neither full nor failing; every NAR file
 * is recorded with the storage that holds it ({@link PlacementLedger}), so reads go straight there and the same
 * FileHash is stored once per cache. Only the usage and the round-robin position are held in memory.
 *
 * <p>Uploads are spooled by the storage the strategy would pick for a NAR of unknown size, so the common
 * case publishes without copying; when the final choice differs (size limits, a failure) the spool file moves
 * to the next storage ({@link StorageFailover}). A storage that fails a write is tried last for
 * {@value StorageHealth#FAILING_SECONDS} s; one that runs out of space (ENOSPC on disk, S3 full or over quota)
 * takes no new NAR for {@value StorageHealth#FULL_SECONDS} s, then is tried again; a write that succeeds there
 * ends it. When none can take a NAR, the spool is deleted and the upload fails with {@link StorageFullException}
 * (all full) or {@link UnavailableException} (retry). Never blocks the caller.
 */
public final class StorageGroupNarStore implements NarStore {
    private static final Logger LOG = LoggerFactory.getLogger(StorageGroupNarStore.class);
    /** Placements kept in memory, most recently used first. */
    static final int PLACEMENT_CACHE = PlacementLedger.PLACEMENT_CACHE;

    /**
     * One storage of the group. {@code localRoot} is the directory whose filesystem's free space counts for
     * {@code min-free} (local storages only).
     */
    public record Member(String name, String type, NarStore store, Capacity capacity, int splitPercent,
                         Optional<Path> localRoot) {
    }

    /** What an operator sees per storage. */
    public record MemberUsage(String name, String type, long bytes, long files, boolean full, boolean failing) {
    }

    private final Vertx vertx;
    private final CacheName cache;
    private final GroupMembers members;
    private final PlacementLedger ledger;
    private final StorageHealth health;
    private final StoragePreference preference;
    private final FreeSpaceProbe freeSpace;
    private final SpoolOwners spools;
    private final PublishClaims claims = new PublishClaims();
    private final StorageFailover failover;
    private final CompletableFuture<Void> reconciled = new CompletableFuture<>();

    private StorageGroupNarStore(Vertx vertx, CacheName cache, GroupMembers members, PlacementStrategy strategy,
                                 NarPlacementRepository repository, NarPlacementRepository.State snapshot) {
        this.vertx = vertx;
        this.cache = cache;
        this.members = members;
        this.ledger = new PlacementLedger(cache, members, repository, snapshot);
        this.health = new StorageHealth(cache, members, System::nanoTime);
        this.preference = new StoragePreference(members, strategy, ledger, health);
        this.freeSpace = new FreeSpaceProbe(cache, members, FreeSpaceProbe.UsableSpace.FILE_STORE);
        this.spools = new SpoolOwners(vertx, cache, members);
        this.failover = new StorageFailover(vertx, cache, members, ledger, health, preference, freeSpace, spools);
    }

    /**
     * Loads the usage per storage and the round-robin position (a few rows), then, in the background, reconciles
     * the placement records with what the storages hold ({@link StorageReconciler}); {@link #reconciled()} tells
     * when it is done. Uploads may start at once: the round-robin position is the one the records imply whether
     * or not the reconcile has finished. Storages are listed only here, never per request.
     */
    public static Future<StorageGroupNarStore> open(Vertx vertx, CacheName cache, List<Member> members,
                                                    PlacementStrategy strategy, NarPlacementRepository repository) {
        if (members.isEmpty()) {
            return Future.failedFuture(new StorageException("cache " + cache + " has no storage"));
        }
        return Future.fromCompletionStage(repository.state(cache)).map(state -> {
            StorageGroupNarStore group = new StorageGroupNarStore(vertx, cache, new GroupMembers(members), strategy,
                    repository, state);
            new StorageReconciler(vertx, cache, group.members, group.ledger, group.claims).run(state)
                    .whenComplete((v, e) -> {
                        if (e != null) {
                            LOG.warn("cache {}: reconciling the storages with the placement records failed: {}",
                                    cache, e.toString());
                            group.reconciled.completeExceptionally(e);
                        } else {
                            group.reconciled.complete(null);
                        }
                    });
            return group;
        });
    }

    /** Completes when the background reconciliation started by {@link #open} is over (fails if it failed). */
    public CompletionStage<Void> reconciled() {
        return reconciled;
    }

    @Override
    public CompletionStage<Path> createSpoolFile() {
        // The likely target for a NAR of unknown size: publishing there is then a rename, not a copy.
        List<StorageStatus> order = preference.order(0, null);
        if (order.isEmpty() && health.allOutOfSpace()) {
            // Refused before the body is read: nothing would take it.
            return CompletableFuture.failedFuture(failover.noneCanTake(0, null));
        }
        return spools.create(order.isEmpty() ? 0 : members.indexOf(order.get(0).name()));
    }

    @Override
    public CompletionStage<Void> publish(Path spool, NarFile file) {
        Integer owner = spools.takeBack(spool);
        if (owner == null) {
            return CompletableFuture.failedFuture(
                    new StorageException("not a spool file of cache " + cache + " (or already used): " + spool));
        }
        Path path = SpoolOwners.normalize(spool);
        CompletableFuture<Void> mine = new CompletableFuture<>();
        Optional<CompletionStage<Void>> other = claims.claim(file.fileName(), mine);
        if (other.isPresent()) {
            // The same NAR is being recorded right now: wait, then this copy is a duplicate (or a retry).
            return other.get().handle((v, e) -> null).thenCompose(v -> {
                spools.putBack(path, owner);
                return publish(path, file);
            });
        }
        return ledger.placed(file)
                .thenCompose(held -> held.isPresent() ? members.get(owner).store().discard(path)
                        : failover.place(path, owner, file))
                .whenComplete((v, e) -> claims.release(file.fileName(), mine));
    }

    @Override
    public CompletionStage<Throwable> abandon(Path spool, Throwable cause) {
        Integer owner = spools.owner(spool);
        Throwable reported = cause;
        if (owner != null && StorageFailures.isDiskFull(cause)) {
            reported = new StorageFullException("storage '" + members.name(owner) + "' of cache " + cache
                    + " is full (no space left on device)", cause);
            health.markFull(owner, cause);
        }
        Throwable answer = reported;
        return discard(spool).handle((v, e) -> answer);
    }

    @Override
    public CompletionStage<Void> discard(Path spool) {
        return spools.discard(spool);
    }

    @Override
    public CompletionStage<Optional<NarLocation>> locate(NarFile file) {
        return ledger.placed(file).thenCompose(found -> {
            if (found.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            PlacementLedger.Placed placed = found.get();
            NarStore store = members.get(placed.member()).store();
            if (store instanceof SizedLocator sized) {
                try {
                    return CompletableFuture.completedFuture(Optional.of(sized.locationOf(file, placed.size())));
                } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }
            return store.locate(file);
        });
    }

    @Override
    public CompletionStage<Boolean> delete(NarFile file) {
        return ledger.placed(file).thenCompose(found -> {
            if (found.isEmpty()) {
                return CompletableFuture.completedFuture(false);
            }
            PlacementLedger.Placed placed = found.get();
            return members.get(placed.member()).store().delete(file)
                    .thenCompose(deleted -> ledger.forget(file, placed.member(), placed.size())
                            .thenApply(forgotten -> deleted || forgotten));
        });
    }

    @Override
    public CompletionStage<StorageUsage> usage() {
        return CompletableFuture.completedFuture(ledger.total());
    }

    /** Walks the placement records by file name, a page per repository query; storedAt is when it was recorded. */
    @Override
    public CompletionStage<Void> walk(int pageSize, Function<List<StoredNar>, CompletionStage<Void>> visitor) {
        return ledger.walk(pageSize, visitor);
    }

    /** Bytes, files and state per storage, from memory (no storage is asked). */
    public List<MemberUsage> usageByStorage() {
        List<MemberUsage> usage = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            // Free space is not measured here (it would block); full means past max-size.
            usage.add(new MemberUsage(m.name(), m.type(), ledger.bytes(i), ledger.files(i),
                    m.capacity().exhausted(ledger.bytes(i), OptionalLong.empty()) || health.outOfSpace(i),
                    health.failing(i)));
        }
        return usage;
    }

    /** The storage that holds {@code file}, if any. */
    public CompletionStage<Optional<String>> storageOf(NarFile file) {
        return ledger.placed(file).thenApply(found -> found.map(p -> members.name(p.member())));
    }

    /** How many placements are cached in memory (bounded by {@value #PLACEMENT_CACHE}); for tests and metrics. */
    int placementsInMemory() {
        return ledger.placementsInMemory();
    }

    public List<Member> members() {
        return members.all();
    }

    /**
     * The storages that ran out of space less than {@value StorageHealth#FULL_SECONDS} s ago, by name: they take
     * no new NAR, and readiness reports them as full.
     */
    public List<String> outOfSpaceStorages() {
        return health.outOfSpaceStorages();
    }

    /**
     * Refuses a declared size larger than the free space of every local storage that accepts new NARs; a group with
     * an S3 storage admits everything (S3 has no free space to measure). One statfs per storage, on a worker.
     */
    @Override
    public CompletionStage<Void> admit(long bytes) {
        if (bytes <= 0 || !freeSpace.allLocal()) {
            return CompletableFuture.completedFuture(null);
        }
        return vertx.executeBlocking(() -> {
            freeSpace.admit(bytes);
            return null;
        }, false).toCompletionStage().thenApply(v -> null);
    }
}
