package dev.cacheserver.adapters.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;

/** Spool-file housekeeping shared by the stores that spool uploads on the local disk. */
final class SpoolFiles {
    private SpoolFiles() {
    }

    /** Deletes a spool file without blocking; one that is already gone is not an error. */
    static CompletionStage<Void> delete(Vertx vertx, Path spool) {
        return vertx.fileSystem().delete(spool.toString())
                .recover(e -> StorageFailures.isNoSuchFile(e)
                        ? Future.<Void>succeededFuture()
                        : Future.failedFuture(StorageFailures.wrap("cannot discard " + spool, e)))
                .toCompletionStage();
    }
}
