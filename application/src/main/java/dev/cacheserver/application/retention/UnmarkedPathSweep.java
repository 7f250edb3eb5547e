package dev.cacheserver.application.retention;

import dev.cacheserver.application.narinfo.AccessTimes;
import dev.cacheserver.application.narinfo.NarInfoRemoval;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.NarStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Removes the unmarked paths of one access-time range, one page of {@link #BATCH} in hash order at a time (the heap
 * holds one page): each path stops being served before its row goes, and its NAR goes only once no narinfo points
 * at it. Before each real batch the reads recorded since the sweep began are written and marked with their
 * closures, so a path read meanwhile, and what it references, is spared. A dry run only counts.
 */
final class UnmarkedPathSweep {
    /** Paths removed per batch (one transaction, one flush and mark of the reads meanwhile before it). */
    static final int BATCH = 1024;
    private final CacheName cache;
    private final AccessTimes accessLog;
    private final NarInfoRemoval removal;
    private final NarInfoRepository repository;
    private final NarStore store;
    private final KeepMarks marks;

    UnmarkedPathSweep(CacheName cache, AccessTimes accessLog, NarInfoRemoval removal, NarInfoRepository repository,
                      NarStore store, KeepMarks marks) {
        this.cache = cache;
        this.accessLog = accessLog;
        this.removal = removal;
        this.repository = repository;
        this.store = store;
        this.marks = marks;
    }

    /** Removes (or counts) the unmarked paths accessed in [{@code since}, {@code before}); {@code forSize} tallies them as size evictions. */
    CompletionStage<Void> sweep(Instant since, Instant before, Instant start, boolean dryRun, boolean forSize,
                                SweepTally tally) {
        return pages(since, before, start, dryRun, forSize, Optional.empty(), tally);
    }

    private CompletionStage<Void> pages(Instant since, Instant before, Instant start, boolean dryRun, boolean forSize,
                                        Optional<StorePathHash> after, SweepTally tally) {
        // Marking again from the sweep's start is cheap: paths marked already are not walked again.
        CompletionStage<Void> marked = dryRun ? CompletableFuture.completedFuture(null)
                : accessLog.flush().thenCompose(v -> marks.markAccessedSince(start));
        return marked
                .thenCompose(v -> repository.unmarkedPage(cache, since, before, after, BATCH))
                .thenCompose(page -> {
                    if (page.isEmpty()) {
                        return CompletableFuture.completedFuture(null);
                    }
                    Optional<StorePathHash> last = Optional.of(page.get(page.size() - 1).storePath().hash());
                    if (dryRun) {
                        page.forEach(info -> tally.path(info.storePath().hash(), info.fileSize(), forSize));
                        return pages(since, before, start, true, forSize, last, tally);
                    }
                    return removeBatch(page, forSize, tally)
                            .thenCompose(v -> pages(since, before, start, false, forSize, last, tally));
                });
    }

    private CompletionStage<Void> removeBatch(List<NarInfo> page, boolean forSize, SweepTally tally) {
        List<StorePathHash> hashes = page.stream().map(info -> info.storePath().hash()).toList();
        Map<NarFile, Long> files = new LinkedHashMap<>();
        page.forEach(info -> files.put(info.narFile(), info.fileSize()));
        return removal.removeAll(hashes).thenCompose(removed -> {
            page.forEach(info -> tally.path(info.storePath().hash(), 0, forSize));
            return repository.narFilesInUse(cache, files.keySet());
        }).thenCompose(inUse -> {
            CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
            for (Map.Entry<NarFile, Long> file : files.entrySet()) {
                if (!inUse.contains(file.getKey())) {
                    chain = chain.thenCompose(x -> store.delete(file.getKey()).thenAccept(deleted -> {
                        if (deleted) {
                            tally.removedNar(file.getValue());
                        }
                    }));
                }
            }
            return chain;
        });
    }
}
