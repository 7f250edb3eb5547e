package dev.cacheserver.application.retention;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.PinRepository;
import dev.cacheserver.domain.retention.PinnedPaths;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The marks of one sweep: which paths it keeps. Pins, recently accessed paths and everything they reference are
 * marked by the repository (set-based, closure-safe); under a size limit, further paths are marked most recently
 * accessed first, each with its closure, in pages of {@link #KEEP_BATCH}, until one does not fit the budget.
 */
final class KeepMarks {
    /** Paths marked per statement under a size limit: large enough that 100,000 paths are a few hundred batches. */
    static final int KEEP_BATCH = 1024;
    private final CacheName cache;
    private final NarInfoRepository repository;
    private final PinRepository pins;

    KeepMarks(CacheName cache, NarInfoRepository repository, PinRepository pins) {
        this.cache = cache;
        this.repository = repository;
        this.pins = pins;
    }

    /**
     * Forgets earlier marks, then marks the pins (as of {@code now}) and the paths accessed since {@code since},
     * with their closures; answers how many paths the cache holds.
     */
    CompletionStage<Long> markAfresh(Instant since, Instant now) {
        return pins.pins(cache)
                .thenCompose(pinList -> repository.clearKeepMarks(cache)
                        .thenCompose(v -> repository.markKept(cache, since, PinnedPaths.at(pinList, now))));
    }

    /** Marks what was accessed since {@code since} (reads recorded while a sweep runs), with its closure. */
    CompletionStage<Void> markAccessedSince(Instant since) {
        return repository.markKept(cache, since, Set.of()).thenApply(count -> null);
    }

    /** The NAR bytes of the marked paths. */
    CompletionStage<Long> keptBytes() {
        return repository.keptBytes(cache);
    }

    /**
     * Marks the unmarked paths accessed in [{@code since}, {@code before}), the most recently accessed first, each
     * with its closure, until one does not fit {@code budget}. Each page continues after the previous one (all of
     * which is marked), so the walk reads each path once.
     */
    CompletionStage<Void> keepWithin(long budget, Instant since, Instant before) {
        return keepWithin(budget, since, before, Optional.empty());
    }

    private CompletionStage<Void> keepWithin(long budget, Instant since, Instant before,
                                             Optional<StorePathHash> after) {
        if (budget < 0) {
            return CompletableFuture.completedFuture(null);
        }
        return repository.unmarkedByRecency(cache, since, before, after, KEEP_BATCH).thenCompose(page -> page.isEmpty()
                ? CompletableFuture.completedFuture(null)
                : repository.markKeptWithin(cache, page, budget).thenCompose(kept -> kept.budgetReached()
                        ? CompletableFuture.completedFuture(null)
                        : keepWithin(budget - kept.bytes(), since, before, Optional.of(page.get(page.size() - 1)))));
    }
}
