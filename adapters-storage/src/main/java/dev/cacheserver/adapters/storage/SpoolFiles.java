package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.error.StorageException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The spool directory of one store: hands out spool files for uploads, accepts back only its own (a path from
 * elsewhere is refused, so publish and discard can never touch another file), and deletes them. Non-blocking.
 */
final class SpoolFiles {
    private final Vertx vertx;
    private final Path directory;
    private final String owner;

    SpoolFiles(Vertx vertx, Path directory, String owner) {
        this.vertx = vertx;
        this.directory = directory.toAbsolutePath().normalize();
        this.owner = owner;
    }

    CompletionStage<Path> create() {
        return vertx.fileSystem().createTempFile(directory.toString(), "upload-", ".part", (String) null)
                .<Path>map(Path::of)
                .recover(e -> Future.failedFuture(StorageFailures.wrap("cannot create spool file", e)))
                .toCompletionStage();
    }

    /**
     * {@code use} applied to {@code spool}, normalised, if it is a file of this directory; a stage failed with
     * StorageException otherwise (a caller must never move or delete a file it did not get from {@link #create}).
     */
    <T> CompletionStage<T> withOwn(Path spool, Function<Path, CompletionStage<T>> use) {
        Path path = spool.toAbsolutePath().normalize();
        if (!directory.equals(path.getParent())) {
            return CompletableFuture.failedFuture(new StorageException("not a spool file of " + owner + ": " + spool));
        }
        return use.apply(path);
    }

    /** Deletes one of this directory's spool files; one that is already gone is not an error. */
    CompletionStage<Void> delete(Path spool) {
        return withOwn(spool, source -> vertx.fileSystem().delete(source.toString())
                .recover(e -> StorageFailures.isNoSuchFile(e)
                        ? Future.<Void>succeededFuture()
                        : Future.failedFuture(StorageFailures.wrap("cannot discard " + source, e)))
                .toCompletionStage());
    }
}
