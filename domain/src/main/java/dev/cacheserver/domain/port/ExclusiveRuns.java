package dev.cacheserver.domain.port;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Work that only one process sharing the database may do at a time, such as the garbage collection of a cache.
 * The claim is released when the work ends or its process dies, so a crashed replica never blocks the others.
 * Non-blocking.
 */
public interface ExclusiveRuns {

    /**
     * Runs {@code work} when no other process is running work under {@code name}, completing with its result;
     * completes with empty at once (without running it) when another process is.
     */
    <T> CompletionStage<Optional<T>> runIfFree(String name, Supplier<CompletionStage<T>> work);

    /** Runs everything: a database only one process uses has nobody to exclude. */
    ExclusiveRuns LOCAL = new ExclusiveRuns() {
        @Override
        public <T> CompletionStage<Optional<T>> runIfFree(String name, Supplier<CompletionStage<T>> work) {
            return work.get().thenApply(Optional::ofNullable);
        }
    };
}
