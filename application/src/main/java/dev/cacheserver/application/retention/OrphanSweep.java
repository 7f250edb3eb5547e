package dev.cacheserver.application.retention;

import dev.cacheserver.domain.error.Failures;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.NarStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Deletes orphan NARs: files no narinfo points at, stored longer ago than {@code orphanAge} (an upload whose
 * narinfo may still come is younger). The store is walked page by page (the heap holds one page): one repository
 * query per page tells which NARs are still in use, and each is checked again just before it goes.
 */
final class OrphanSweep {
    /** NAR files listed per page of the store walk. */
    static final int PAGE = 256;
    private final CacheName cache;
    private final NarInfoRepository repository;
    private final NarStore store;
    private final Duration orphanAge;

    OrphanSweep(CacheName cache, NarInfoRepository repository, NarStore store, Duration orphanAge) {
        this.cache = cache;
        this.repository = repository;
        this.store = store;
        this.orphanAge = orphanAge;
    }

    CompletionStage<Void> sweep(Instant now, boolean dryRun, SweepTally tally) {
        Instant cutoff = now.minus(orphanAge);
        return store.walk(PAGE, page -> batch(
                        page.stream().filter(nar -> nar.storedAt().isBefore(cutoff)).toList(), dryRun, tally))
                .exceptionallyCompose(failure -> unwrap(failure) instanceof UnsupportedOperationException
                        // a store that cannot list has no orphans we could find
                        ? CompletableFuture.completedFuture(null)
                        : CompletableFuture.failedFuture(unwrap(failure)));
    }

    private CompletionStage<Void> batch(List<NarStore.StoredNar> batch, boolean dryRun, SweepTally tally) {
        if (batch.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return repository.narFilesInUse(cache, batch.stream().map(NarStore.StoredNar::file).toList())
                .thenCompose(inUse -> {
                    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
                    for (NarStore.StoredNar nar : batch) {
                        if (inUse.contains(nar.file())) {
                            continue;
                        }
                        if (dryRun) {
                            tally.orphan(nar.size());
                        } else {
                            // Checked again just before: a narinfo may have been published since the batch query.
                            chain = chain.thenCompose(v -> repository.pathsUsing(cache, nar.file(), 1))
                                    .thenCompose(users -> !users.isEmpty() ? CompletableFuture.completedFuture(null)
                                            : store.delete(nar.file()).thenAccept(deleted -> {
                                                if (deleted) {
                                                    tally.orphan(nar.size());
                                                }
                                            }));
                        }
                    }
                    return chain;
                });
    }

    private static Throwable unwrap(Throwable e) {
        return Failures.cause(e);
    }
}
