package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.error.CacheServerException;
import dev.cacheserver.domain.error.HashMismatchException;
import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.error.StorageFullException;
import dev.cacheserver.domain.error.UnavailableException;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.NarPlacementRepository;
import dev.cacheserver.domain.port.NarPlacementRepository.Placement;
import dev.cacheserver.domain.port.NarPlacementRepository.State;
import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.storage.Capacity;
import dev.cacheserver.domain.storage.PlacementStrategy;
import dev.cacheserver.domain.storage.StorageStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NAR store of a cache with one or more storages ({@code local} or {@code s3}): each new NAR goes to the
 * storage the {@link PlacementStrategy} picks among those that are neither full nor failing; every NAR file
 * is recorded with the storage that holds it, so reads go straight there and the same FileHash is stored once
 * per cache. The records, the usage per storage and the round-robin position are persisted through the
 * {@link NarPlacementRepository} on every NAR write. Only the usage and the round-robin position are held in
 * memory; the placement of a NAR is read from the repository when it is asked for, behind a bounded cache of the
 * {@value #PLACEMENT_CACHE} most recently used, so the heap does not grow with the number of NARs.
 *
 * <p>Uploads are spooled by the storage the strategy would pick for a NAR of unknown size, so the common
 * case publishes without copying; when the final choice differs (size limits, a failure) the spool file moves
 * to the next storage. When a storage fails a write the NAR goes to the next one in the strategy's order, and
 * the failed storage is tried last for {@value #FAILING_SECONDS} s; when none can take it, the spool is deleted
 * and the upload fails with {@link StorageFullException} (all full) or {@link UnavailableException} (retry).
 * A storage that runs out of space (ENOSPC on disk, S3 full or over quota) is full: it takes no new NAR for
 * {@value #FULL_SECONDS} s, then is tried again; a write that succeeds there ends it. Never blocks the caller.
 */
public final class StorageGroupNarStore implements NarStore {
    private static final Logger LOG = LoggerFactory.getLogger(StorageGroupNarStore.class);
    static final long FAILING_SECONDS = 30;
    static final long FULL_SECONDS = 30;
    /** Placements kept in memory, most recently used first: a NAR is usually fetched soon after its narinfo. */
    static final int PLACEMENT_CACHE = 4096;
    /** NAR files per page when a storage or the placement records are walked. */
    static final int WALK_PAGE = 256;

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

    private record Placed(int member, long size) {
    }

    private final Vertx vertx;
    private final CacheName cache;
    private final List<Member> members;
    private final PlacementStrategy strategy;
    private final NarPlacementRepository repository;
    private final PlacementCache<Placed> placements = new PlacementCache<>(PLACEMENT_CACHE);
    private final AtomicLong[] bytes;
    private final AtomicLong[] files;
    private final long[] failingUntilNanos;
    /** Per storage: when its last lack of space stops excluding it (0: not full); guarded by failingUntilNanos. */
    private final long[] fullUntilNanos;
    private final Map<Path, Integer> spoolOwners = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private volatile Optional<String> lastPlacement;
    private final CompletableFuture<Void> reconciled = new CompletableFuture<>();

    private StorageGroupNarStore(Vertx vertx, CacheName cache, List<Member> members, PlacementStrategy strategy,
                                 NarPlacementRepository repository, State snapshot) {
        this.vertx = vertx;
        this.cache = cache;
        this.members = List.copyOf(members);
        this.strategy = strategy;
        this.repository = repository;
        int n = members.size();
        this.bytes = new AtomicLong[n];
        this.files = new AtomicLong[n];
        this.failingUntilNanos = new long[n];
        this.fullUntilNanos = new long[n];
        for (int i = 0; i < n; i++) {
            NarPlacementRepository.Usage usage = snapshot.usage().get(members.get(i).name());
            bytes[i] = new AtomicLong(usage == null ? 0 : usage.bytes());
            files[i] = new AtomicLong(usage == null ? 0 : usage.files());
        }
        this.lastPlacement = snapshot.lastPlacement();
        for (String storage : snapshot.usage().keySet()) {
            if (indexOf(storage) < 0) {
                LOG.warn("cache {}: storage '{}' holds recorded NARs but is no longer configured; they are not served",
                        cache, storage);
            }
        }
    }

    /**
     * Loads the usage per storage and the round-robin position (a few rows), then, in the background, reconciles
     * the placement records with what the local storages (and S3 storages never used by this cache before)
     * actually hold: unrecorded NARs are adopted, records of vanished local files dropped. The walk goes page by
     * page, so neither start time nor heap depends on the number of NARs; {@link #reconciled()} tells when it is
     * done. Storages are listed only here, never per request.
     */
    public static Future<StorageGroupNarStore> open(Vertx vertx, CacheName cache, List<Member> members,
                                                    PlacementStrategy strategy, NarPlacementRepository repository) {
        if (members.isEmpty()) {
            return Future.failedFuture(new StorageException("cache " + cache + " has no storage"));
        }
        return Future.fromCompletionStage(repository.state(cache)).map(state -> {
            StorageGroupNarStore group = new StorageGroupNarStore(vertx, cache, members, strategy, repository, state);
            CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
            for (int i = 0; i < members.size(); i++) {
                int index = i;
                boolean neverUsed = !state.usage().containsKey(members.get(i).name());
                chain = chain.thenCompose(v -> group.reconcile(index, neverUsed));
            }
            chain.whenComplete((v, e) -> {
                if (e != null) {
                    LOG.warn("cache {}: reconciling the storages with the placement records failed: {}", cache,
                            e.toString());
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

    private CompletionStage<Void> reconcile(int index, boolean neverUsed) {
        Member member = members.get(index);
        boolean local = member.store() instanceof LocalNarStore;
        boolean s3 = member.store() instanceof S3NarStore;
        if (!(local || s3 && neverUsed)) {
            return CompletableFuture.completedFuture(null);
        }
        long[] counts = new long[2];
        CompletionStage<Void> adopting = member.store().walk(WALK_PAGE, page -> adopt(index, page, counts));
        CompletionStage<Void> dropping = !local ? adopting
                : adopting.thenCompose(v -> dropVanished(index, Optional.empty(), counts));
        return dropping.thenRun(() -> {
            if (counts[0] + counts[1] > 0) {
                LOG.info("cache {}: storage '{}' holds {} NAR files not recorded (now recorded); {} records of files "
                        + "that are gone were dropped", cache, member.name(), counts[0], counts[1]);
            }
        });
    }

    /** One query per page tells which stored NARs are recorded; the others are recorded where they are. */
    private CompletionStage<Void> adopt(int index, List<StoredNar> page, long[] counts) {
        return repository.recorded(cache, page.stream().map(StoredNar::file).toList()).thenCompose(known -> {
            CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
            for (StoredNar nar : page) {
                if (!known.contains(nar.file())) {
                    counts[0]++;
                    chain = chain.thenCompose(v -> record(index, nar.file(), nar.size(), false).thenApply(x -> null));
                }
            }
            return chain;
        });
    }

    /** Walks the records by file name; the files of this local storage that are gone are forgotten. */
    private CompletionStage<Void> dropVanished(int index, Optional<NarFile> after, long[] counts) {
        String name = members.get(index).name();
        LocalNarStore store = (LocalNarStore) members.get(index).store();
        return repository.page(cache, after, WALK_PAGE).thenCompose(page -> {
            if (page.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            List<Placement> here = page.stream().filter(p -> p.storage().equals(name)).toList();
            return vertx.executeBlocking(() -> here.stream()
                            .filter(p -> !Files.exists(((NarLocation.LocalFile) store.locationOf(p.file(), p.size())).path()))
                            .toList(), false).toCompletionStage()
                    .thenCompose(gone -> {
                        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
                        for (Placement p : gone) {
                            counts[1]++;
                            chain = chain.thenCompose(v -> forget(p.file(), index, p.size()).thenApply(x -> null));
                        }
                        return chain;
                    })
                    .thenCompose(v -> dropVanished(index, Optional.of(page.get(page.size() - 1).file()), counts));
        });
    }

    @Override
    public CompletionStage<Path> createSpoolFile() {
        // The likely target for a NAR of unknown size: publishing there is then a rename, not a copy.
        List<StorageStatus> preference = preference(statuses(0, null));
        if (preference.isEmpty() && allOutOfSpace()) {
            // Refused before the body is read: nothing would take it.
            return CompletableFuture.failedFuture(noneCanTake(null, 0, null));
        }
        int owner = preference.isEmpty() ? 0 : indexOf(preference.get(0).name());
        return members.get(owner).store().createSpoolFile().thenApply(spool -> {
            spoolOwners.put(normalize(spool), owner);
            return spool;
        });
    }

    @Override
    public CompletionStage<Void> publish(Path spool, NarFile file) {
        Path path = normalize(spool);
        Integer owner = spoolOwners.remove(path);
        if (owner == null) {
            return CompletableFuture.failedFuture(
                    new StorageException("not a spool file of cache " + cache + " (or already used): " + spool));
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> other = inFlight.putIfAbsent(file.fileName(), mine);
        if (other != null) {
            // The same NAR is being published right now: wait, then this copy is a duplicate (or a retry).
            return other.handle((v, e) -> null).thenCompose(v -> {
                spoolOwners.put(path, owner);
                return publish(path, file);
            });
        }
        return placed(file)
                .thenCompose(held -> held.isPresent() ? members.get(owner).store().discard(path)
                        : vertx.fileSystem().props(path.toString()).toCompletionStage()
                                .exceptionally(e -> {
                                    throw new CompletionException(
                                            StorageFailures.wrap("cannot stat spool file " + path, e));
                                })
                                .thenCompose(props -> place(path, owner, file, props.size())))
                .whenComplete((v, e) -> {
                    inFlight.remove(file.fileName(), mine);
                    mine.complete(null);
                });
    }

    private CompletionStage<Void> place(Path spool, int owner, NarFile file, long size) {
        return vertx.executeBlocking(() -> statuses(size, freeSpace()), false).toCompletionStage()
                .thenCompose(statuses -> {
                    List<StorageStatus> order = preference(statuses);
                    if (order.isEmpty()) {
                        return members.get(owner).store().discard(spool)
                                .thenCompose(v -> CompletableFuture.failedFuture(noneCanTake(statuses, size, null)));
                    }
                    List<Integer> targets = order.stream().map(s -> indexOf(s.name())).toList();
                    return tryTargets(targets, 0, spool, owner, file, size, null);
                });
    }

    private CompletionStage<Void> tryTargets(List<Integer> targets, int attempt, Path spool, int owner, NarFile file,
                                             long size, Throwable lastFailure) {
        if (attempt == targets.size()) {
            return members.get(owner).store().discard(spool).handle((v, e) -> {
                throw new CompletionException(noneCanTake(null, size, lastFailure));
            });
        }
        int target = targets.get(attempt);
        Member member = members.get(target);
        CompletionStage<Path> moved = target == owner ? CompletableFuture.completedFuture(spool)
                : member.store().createSpoolFile().thenCompose(targetSpool -> moveSpool(spool, targetSpool));
        return moved.handle((targetSpool, e) -> e == null
                        ? publishTo(targets, attempt, targetSpool, target, file, size)
                        // Could not even hand the spool file to this storage: try the next one from where it is.
                        : nextAfter(targets, attempt, spool, owner, file, size, target,
                                StorageFailures.wrap("hand " + file.fileName() + " to " + member.name(), e)))
                .thenCompose(stage -> stage);
    }

    private CompletionStage<Void> publishTo(List<Integer> targets, int attempt, Path spool, int target, NarFile file,
                                            long size) {
        Member member = members.get(target);
        return member.store().publish(spool, file)
                .thenCompose(published -> record(target, file, size, true).thenApply(x -> (Void) null))
                .thenRun(() -> clearFull(target))
                .exceptionallyCompose(e -> {
                    Throwable cause = StorageFailures.wrap("publish " + file.fileName() + " to " + member.name(), e);
                    if (cause instanceof HashMismatchException) {
                        return CompletableFuture.failedFuture(cause);
                    }
                    // A failed publish leaves the spool file in place (the store contract), unless it was consumed.
                    return vertx.fileSystem().exists(spool.toString()).toCompletionStage()
                            .thenCompose(stillThere -> stillThere
                                    ? nextAfter(targets, attempt, spool, target, file, size, target, cause)
                                    : CompletableFuture.failedFuture(cause));
                });
    }

    private CompletionStage<Void> nextAfter(List<Integer> targets, int attempt, Path spool, int owner, NarFile file,
                                            long size, int failed, Throwable cause) {
        if (cause instanceof StorageFullException) {
            markFull(failed, cause);
        } else {
            markFailing(failed, cause);
        }
        return tryTargets(targets, attempt + 1, spool, owner, file, size, cause);
    }

    private CompletionStage<Path> moveSpool(Path from, Path to) {
        return vertx.executeBlocking(() -> {
            try {
                // A rename when both spool directories share a filesystem, a copy otherwise.
                return Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                Files.deleteIfExists(to);
                throw e;
            }
        }, false).toCompletionStage();
    }

    private CacheServerException noneCanTake(List<StorageStatus> statuses, long size, Throwable lastFailure) {
        if (lastFailure == null || lastFailure instanceof StorageFullException) {
            return new StorageFullException("every storage of cache " + cache + " is full" + (size > 0
                    ? " for a NAR of " + size + " bytes" : "") + fullStorages());
        }
        return new UnavailableException("no storage of cache " + cache + " can store the NAR right now; retry later",
                lastFailure);
    }

    /** True when the file was newly recorded (then it counts in the storage's usage). */
    private CompletionStage<Boolean> record(int member, NarFile file, long size, boolean advancesRoundRobin) {
        String name = members.get(member).name();
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
    private CompletionStage<Boolean> forget(NarFile file, int member, long size) {
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
    private CompletionStage<Optional<Placed>> placed(NarFile file) {
        Placed recent = placements.get(file.fileName());
        if (recent != null) {
            return CompletableFuture.completedFuture(Optional.of(recent));
        }
        return repository.find(cache, file).thenApply(found -> found.flatMap(p -> {
            int index = indexOf(p.storage());
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

    @Override
    public CompletionStage<Throwable> abandon(Path spool, Throwable cause) {
        Integer owner = spoolOwners.get(normalize(spool));
        Throwable reported = cause;
        if (owner != null && StorageFailures.isDiskFull(cause)) {
            reported = new StorageFullException("storage '" + members.get(owner).name() + "' of cache " + cache
                    + " is full (no space left on device)", cause);
            markFull(owner, cause);
        }
        Throwable answer = reported;
        return discard(spool).handle((v, e) -> answer);
    }

    @Override
    public CompletionStage<Void> discard(Path spool) {
        Path path = normalize(spool);
        Integer owner = spoolOwners.remove(path);
        if (owner != null) {
            return members.get(owner).store().discard(path);
        }
        return discardWithAny(path, 0);
    }

    /** A spool file already handed back: whichever storage owns its directory deletes it (or finds it gone). */
    private CompletionStage<Void> discardWithAny(Path spool, int index) {
        if (index == members.size()) {
            return CompletableFuture.failedFuture(new StorageException("not a spool file of cache " + cache + ": " + spool));
        }
        return members.get(index).store().discard(spool).exceptionallyCompose(e ->
                StorageFailures.hasCause(e, StorageException.class) ? discardWithAny(spool, index + 1)
                        : CompletableFuture.failedFuture(e));
    }

    @Override
    public CompletionStage<Optional<NarLocation>> locate(NarFile file) {
        return placed(file).thenCompose(found -> {
            if (found.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            Placed placed = found.get();
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
        return placed(file).thenCompose(found -> {
            if (found.isEmpty()) {
                return CompletableFuture.completedFuture(false);
            }
            Placed placed = found.get();
            return members.get(placed.member()).store().delete(file)
                    .thenCompose(deleted -> forget(file, placed.member(), placed.size())
                            .thenApply(forgotten -> deleted || forgotten));
        });
    }

    @Override
    public CompletionStage<StorageUsage> usage() {
        long totalBytes = 0;
        long totalFiles = 0;
        for (int i = 0; i < members.size(); i++) {
            totalBytes += bytes[i].get();
            totalFiles += files[i].get();
        }
        return CompletableFuture.completedFuture(new StorageUsage(totalBytes, totalFiles));
    }

    /** Walks the placement records by file name, a page per repository query; storedAt is when it was recorded. */
    @Override
    public CompletionStage<Void> walk(int pageSize, Function<List<StoredNar>, CompletionStage<Void>> visitor) {
        return walkAfter(Optional.empty(), pageSize, visitor);
    }

    private CompletionStage<Void> walkAfter(Optional<NarFile> after, int pageSize,
                                            Function<List<StoredNar>, CompletionStage<Void>> visitor) {
        return repository.page(cache, after, pageSize).thenCompose(page -> {
            if (page.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            List<StoredNar> served = page.stream().filter(p -> indexOf(p.storage()) >= 0)
                    .map(p -> new StoredNar(p.file(), p.size(), p.recordedAt())).toList();
            Optional<NarFile> last = Optional.of(page.get(page.size() - 1).file());
            CompletionStage<Void> visited = served.isEmpty() ? CompletableFuture.completedFuture(null)
                    : visitor.apply(served);
            return visited.thenCompose(v -> walkAfter(last, pageSize, visitor));
        });
    }

    /** Bytes, files and state per storage, from memory (no storage is asked). */
    public List<MemberUsage> usageByStorage() {
        List<MemberUsage> usage = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            // Free space is not measured here (it would block); full means past max-size.
            usage.add(new MemberUsage(m.name(), m.type(), bytes[i].get(), files[i].get(),
                    m.capacity().exhausted(bytes[i].get(), OptionalLong.empty()) || outOfSpace(i), failing(i)));
        }
        return usage;
    }

    /** The storage that holds {@code file}, if any. */
    public CompletionStage<Optional<String>> storageOf(NarFile file) {
        return placed(file).thenApply(found -> found.map(p -> members.get(p.member()).name()));
    }

    /** How many placements are cached in memory (bounded by {@value #PLACEMENT_CACHE}); for tests and metrics. */
    int placementsInMemory() {
        return placements.size();
    }

    public List<Member> members() {
        return members;
    }

    /** The strategy's order, with storages that failed recently moved to the end: tried only if all else fails. */
    private List<StorageStatus> preference(List<StorageStatus> statuses) {
        List<StorageStatus> order = new ArrayList<>(strategy.preference(statuses, lastPlacement));
        order.sort(java.util.Comparator.comparing(s -> failing(indexOf(s.name()))));
        return order;
    }

    private List<StorageStatus> statuses(long incoming, OptionalLong[] free) {
        List<StorageStatus> statuses = new ArrayList<>(members.size());
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            OptionalLong freeBytes = free == null ? OptionalLong.empty() : free[i];
            boolean accepting = m.capacity().fits(bytes[i].get(), incoming, freeBytes) && !outOfSpace(i);
            statuses.add(new StorageStatus(m.name(), bytes[i].get(), files[i].get(), m.splitPercent(), accepting));
        }
        return statuses;
    }

    /** Blocking: the free bytes of each local storage's filesystem (one statfs each); only where min-free is set. */
    private OptionalLong[] freeSpace() {
        OptionalLong[] free = new OptionalLong[members.size()];
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            free[i] = OptionalLong.empty();
            if (m.localRoot().isPresent() && m.capacity().minFree().isPresent()) {
                try {
                    free[i] = OptionalLong.of(Files.getFileStore(m.localRoot().get()).getUsableSpace());
                } catch (IOException e) {
                    LOG.warn("cache {}: cannot measure free space of storage '{}': {}", cache, m.name(), e.toString());
                }
            }
        }
        return free;
    }

    /**
     * The storages that ran out of space less than {@value #FULL_SECONDS} s ago (each new refusal starts the time
     * again), by name: they take no new NAR, and readiness reports them as full.
     */
    public List<String> outOfSpaceStorages() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            if (outOfSpace(i)) {
                names.add(members.get(i).name());
            }
        }
        return names;
    }

    /** Excluded from placement: ran out of space less than {@value #FULL_SECONDS} s ago. */
    private boolean outOfSpace(int member) {
        synchronized (failingUntilNanos) {
            return fullUntilNanos[member] != 0 && System.nanoTime() - fullUntilNanos[member] < 0;
        }
    }

    private boolean allOutOfSpace() {
        for (int i = 0; i < members.size(); i++) {
            if (!outOfSpace(i)) {
                return false;
            }
        }
        return true;
    }

    private void markFull(int member, Throwable cause) {
        LOG.warn("cache {}: storage '{}' is full ({}); no new NARs go there for {} s", cache, members.get(member).name(),
                cause.getMessage(), FULL_SECONDS);
        synchronized (failingUntilNanos) {
            fullUntilNanos[member] = System.nanoTime() + FULL_SECONDS * 1_000_000_000L;
        }
    }

    private void clearFull(int member) {
        boolean was;
        synchronized (failingUntilNanos) {
            was = fullUntilNanos[member] != 0;
            fullUntilNanos[member] = 0;
        }
        if (was) {
            LOG.info("cache {}: storage '{}' took a NAR again; no longer full", cache, members.get(member).name());
        }
    }

    private String fullStorages() {
        List<String> full = outOfSpaceStorages();
        return full.isEmpty() ? "" : " (out of space: " + String.join(", ", full) + ")";
    }

    private boolean failing(int member) {
        synchronized (failingUntilNanos) {
            return failingUntilNanos[member] != 0 && System.nanoTime() - failingUntilNanos[member] < 0;
        }
    }

    private void markFailing(int member, Throwable cause) {
        LOG.warn("cache {}: storage '{}' failed a write ({}); skipping it for {} s", cache, members.get(member).name(),
                cause.getMessage(), FAILING_SECONDS);
        synchronized (failingUntilNanos) {
            failingUntilNanos[member] = System.nanoTime() + FAILING_SECONDS * 1_000_000_000L;
        }
    }

    private int indexOf(String storage) {
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).name().equals(storage)) {
                return i;
            }
        }
        return -1;
    }

    private static Path normalize(Path spool) {
        return spool.toAbsolutePath().normalize();
    }

    /**
     * Refuses a declared size larger than the free space of every local storage that accepts new NARs; a group with
     * an S3 storage admits everything (S3 has no free space to measure). One statfs per storage, on a worker.
     */
    @Override
    public CompletionStage<Void> admit(long bytes) {
        if (bytes <= 0 || members.stream().anyMatch(m -> m.localRoot().isEmpty())) {
            return CompletableFuture.completedFuture(null);
        }
        return vertx.executeBlocking(() -> FreeSpace.largest(members), false).toCompletionStage()
                .thenAccept(largest -> FreeSpace.admit(cache, bytes, largest));
    }
}
