package dev.cacheserver.adapters.persistence.postgres;

import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.error.StorageException;
import io.vertx.core.Future;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** Turns a Vert.x future into a port's stage, wrapping any driver failure as a {@link StorageException}. */
final class PostgresStages {
    private PostgresStages() {
    }

    /**
     * The parameters (key, array) of a statement taking a {@code text[]}: {@code Tuple.of(key, array)} would spread
     * the array as varargs.
     */
    static io.vertx.sqlclient.Tuple keyAndArray(String key, String[] array) {
        return io.vertx.sqlclient.Tuple.tuple().addString(key).addArrayOfString(array);
    }

    static <T> CompletionStage<T> stage(Supplier<String> action, Future<T> future) {
        return future.recover(e -> Future.failedFuture(e instanceof StorageException || e instanceof NotFoundException
                ? e : new StorageException(action.get() + " failed: " + e.getMessage(), e))).toCompletionStage();
    }
}
