package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.error.CacheServerException;
import dev.cacheserver.domain.error.HashMismatchException;
import dev.cacheserver.domain.error.StorageFullException;
import dev.cacheserver.domain.error.UnavailableException;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.storage.StorageStatus;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Places one new NAR: offers it to the storages in the order of preference, moving the spool file to each in
 * turn, until one publishes it; a storage that fails is marked failing (or full) and the next is tried. When
 * none takes it the spool file is deleted and the publish fails with {@link StorageFullException} (all full) or
 * {@link UnavailableException} (retry later). A hash mismatch ends it at once: no other storage would agree.
 */
final class StorageFailover {
    private final Vertx vertx;
    private final CacheName cache;
    private final GroupMembers members;
    private final PlacementLedger ledger;
    private final StorageHealth health;
    private final StoragePreference preference;
    private final FreeSpaceProbe freeSpace;
    private final SpoolOwners spools;

    StorageFailover(Vertx vertx, CacheName cache, GroupMembers members, PlacementLedger ledger, StorageHealth health,
                    StoragePreference preference, FreeSpaceProbe freeSpace, SpoolOwners spools) {
        this.vertx = vertx;
        this.cache = cache;
        this.members = members;
        this.ledger = ledger;
        this.health = health;
        this.preference = preference;
        this.freeSpace = freeSpace;
        this.spools = spools;
    }

    /** Stores the NAR spooled by storage {@code owner} in the best storage that takes it, and records it. */
    CompletionStage<Void> place(Path spool, int owner, NarFile file) {
        return vertx.fileSystem().props(spool.toString()).toCompletionStage()
                .exceptionally(e -> {
                    throw new CompletionException(StorageFailures.wrap("cannot stat spool file " + spool, e));
                })
                .thenCompose(props -> place(spool, owner, file, props.size()));
    }

    private CompletionStage<Void> place(Path spool, int owner, NarFile file, long size) {
        return vertx.executeBlocking(() -> preference.statuses(size, freeSpace.forMinFree()), false)
                .toCompletionStage()
                .thenCompose(statuses -> {
                    List<StorageStatus> order = preference.order(statuses);
                    if (order.isEmpty()) {
                        return members.get(owner).store().discard(spool)
                                .thenCompose(v -> CompletableFuture.failedFuture(noneCanTake(size, null)));
                    }
                    List<Integer> targets = order.stream().map(s -> members.indexOf(s.name())).toList();
                    return tryTargets(targets, 0, spool, owner, file, size, null);
                });
    }

    private CompletionStage<Void> tryTargets(List<Integer> targets, int attempt, Path spool, int owner, NarFile file,
                                             long size, Throwable lastFailure) {
        if (attempt == targets.size()) {
            return members.get(owner).store().discard(spool).handle((v, e) -> {
                throw new CompletionException(noneCanTake(size, lastFailure));
            });
        }
        int target = targets.get(attempt);
        StorageGroupNarStore.Member member = members.get(target);
        CompletionStage<Path> moved = target == owner ? CompletableFuture.completedFuture(spool)
                : member.store().createSpoolFile().thenCompose(targetSpool -> spools.move(spool, targetSpool));
        return moved.handle((targetSpool, e) -> e == null
                        ? publishTo(targets, attempt, targetSpool, target, file, size)
                        // Could not even hand the spool file to this storage: try the next one from where it is.
                        : nextAfter(targets, attempt, spool, owner, file, size, target,
                                StorageFailures.wrap("hand " + file.fileName() + " to " + member.name(), e)))
                .thenCompose(stage -> stage);
    }

    private CompletionStage<Void> publishTo(List<Integer> targets, int attempt, Path spool, int target, NarFile file,
                                            long size) {
        StorageGroupNarStore.Member member = members.get(target);
        return member.store().publish(spool, file)
                .thenCompose(published -> ledger.record(target, file, size, true).thenApply(x -> (Void) null))
                .thenRun(() -> health.clearFull(target))
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
            health.markFull(failed, cause);
        } else {
            health.markFailing(failed, cause);
        }
        return tryTargets(targets, attempt + 1, spool, owner, file, size, cause);
    }

    /** Every storage is full ({@code lastFailure} null or a lack of space), or none can write now. */
    CacheServerException noneCanTake(long size, Throwable lastFailure) {
        if (lastFailure == null || lastFailure instanceof StorageFullException) {
            List<String> full = health.outOfSpaceStorages();
            return new StorageFullException("every storage of cache " + cache + " is full" + (size > 0
                    ? " for a NAR of " + size + " bytes" : "")
                    + (full.isEmpty() ? "" : " (out of space: " + String.join(", ", full) + ")"));
        }
        return new UnavailableException("no storage of cache " + cache + " can store the NAR right now; retry later",
                lastFailure);
    }
}
