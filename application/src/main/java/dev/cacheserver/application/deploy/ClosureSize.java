package dev.cacheserver.application.deploy;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.NarInfoRepository;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The closure size of a store path (the sum of NarSize over the path and everything it references,
 * transitively) from a cache's narinfos. Empty when any path of the closure is not in the cache, or the closure
 * is implausibly large, so the agent's own measurement is used instead.
 */
final class ClosureSize {
    static final int MAX_PATHS = 100_000;
    private final NarInfoRepository narInfos;

    ClosureSize(NarInfoRepository narInfos) {
        this.narInfos = narInfos;
    }

    public CompletionStage<Optional<Long>> of(CacheName cache, StorePath root) {
        Set<StorePath> seen = new HashSet<>();
        seen.add(root);
        return level(cache, List.of(root), seen, 0L);
    }

    // One query per path of a level, all of a level at once: a NixOS closure is a few thousand paths.
    private CompletionStage<Optional<Long>> level(CacheName cache, List<StorePath> frontier, Set<StorePath> seen, long sum) {
        if (frontier.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.of(sum));
        }
        List<CompletableFuture<Optional<NarInfo>>> lookups = frontier.stream()
                .map(p -> narInfos.find(cache, p.hash()).toCompletableFuture()).toList();
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenCompose(done -> {
            long total = sum;
            List<StorePath> next = new ArrayList<>();
            for (CompletableFuture<Optional<NarInfo>> lookup : lookups) {
                Optional<NarInfo> info = lookup.join();
                if (info.isEmpty()) {
                    return CompletableFuture.completedFuture(Optional.<Long>empty());
                }
                total += info.get().narSize();
                for (StorePath ref : info.get().references()) {
                    if (seen.add(ref)) {
                        next.add(ref);
                    }
                }
            }
            if (seen.size() > MAX_PATHS) {
                return CompletableFuture.completedFuture(Optional.<Long>empty());
            }
            return level(cache, next, seen, total);
        });
    }
}
