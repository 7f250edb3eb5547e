package dev.cacheserver.adapters.persistence;

import dev.cacheserver.domain.error.StorageException;
import io.vertx.core.Future;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** Turns a Vert.x future into a port's stage, wrapping any failure as a {@link StorageException}. */
final class PersistenceStages {
    private PersistenceStages() {
    }

    static <T> CompletionStage<T> stage(Supplier<String> action, Future<T> future) {
        return future.recover(e -> Future.failedFuture(e instanceof StorageException ? e
                : new StorageException(action.get() + " failed: " + e.getMessage(), e))).toCompletionStage();
    }
}
