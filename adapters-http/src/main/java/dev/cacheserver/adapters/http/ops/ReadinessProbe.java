package dev.cacheserver.adapters.http.ops;

import java.util.concurrent.CompletionStage;

/**
 * Whether the server can do its work now: the database answers and every storage is reachable. Implementations
 * answer quickly (bounded checks, a short-lived cached result) and never fail the stage: a failed check is a
 * {@link ReadinessReport.Check} that is not ready.
 */
@FunctionalInterface
public interface ReadinessProbe {
    ReadinessProbe ALWAYS = () -> java.util.concurrent.CompletableFuture.completedFuture(
            new ReadinessReport(java.util.List.of()));

    CompletionStage<ReadinessReport> check();
}
