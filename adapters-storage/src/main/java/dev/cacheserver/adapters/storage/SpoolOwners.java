package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.model.CacheName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import io.vertx.core.Vertx;

/**
 * Which storage of a group handed out each spool file still in use, and moving a spool file to another storage
 * when the NAR is placed elsewhere. Holds only the spool files of uploads in progress.
 */
final class SpoolOwners {
    private final Vertx vertx;
    private final CacheName cache;
    private final GroupMembers members;
    private final Map<Path, Integer> owners = new ConcurrentHashMap<>();

    SpoolOwners(Vertx vertx, CacheName cache, GroupMembers members) {
        this.vertx = vertx;
        this.cache = cache;
        this.members = members;
    }

    /** Asks storage {@code owner} for a spool file and remembers who owns it. */
    CompletionStage<Path> create(int owner) {
        return members.get(owner).store().createSpoolFile().thenApply(spool -> {
            owners.put(normalize(spool), owner);
            return spool;
        });
    }

    /** The owner of {@code spool}, still in use; null when unknown. */
    Integer owner(Path spool) {
        return owners.get(normalize(spool));
    }

    /** Hands {@code spool} back (it is being published or discarded): its owner, or null when unknown. */
    Integer takeBack(Path spool) {
        return owners.remove(normalize(spool));
    }

    /** Makes {@code spool} in use again (a publish that waited for another of the same NAR retries). */
    void putBack(Path spool, int owner) {
        owners.put(normalize(spool), owner);
    }

    /** Deletes a spool file: its owner does it, or, if handed back already, whichever storage owns the directory. */
    CompletionStage<Void> discard(Path spool) {
        Path path = normalize(spool);
        Integer owner = owners.remove(path);
        if (owner != null) {
            return members.get(owner).store().discard(path);
        }
        return discardWithAny(path, 0);
    }

    private CompletionStage<Void> discardWithAny(Path spool, int index) {
        if (index == members.size()) {
            return CompletableFuture.failedFuture(
                    new StorageException("not a spool file of cache " + cache + ": " + spool));
        }
        return members.get(index).store().discard(spool).exceptionallyCompose(e ->
                StorageFailures.hasCause(e, StorageException.class) ? discardWithAny(spool, index + 1)
                        : CompletableFuture.failedFuture(e));
    }

    /** On a worker: a rename when both spool directories share a filesystem, a copy otherwise. */
    CompletionStage<Path> move(Path from, Path to) {
        return vertx.executeBlocking(() -> {
            try {
                return Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                Files.deleteIfExists(to);
                throw e;
            }
        }, false).toCompletionStage();
    }

    static Path normalize(Path spool) {
        return spool.toAbsolutePath().normalize();
    }
}
