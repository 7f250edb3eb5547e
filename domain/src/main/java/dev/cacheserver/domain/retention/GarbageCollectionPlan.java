package dev.cacheserver.domain.retention;

import dev.cacheserver.domain.model.StorePathHash;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides which paths of a cache a sweep may delete. A path is kept when it is pinned, when it was accessed
 * within the retention window, or when any kept path references it, transitively: a client that fetches a
 * kept path always finds its whole closure. The decision depends only on the inputs, not on their order.
 */
public final class GarbageCollectionPlan {
    private final Set<StorePathHash> kept;
    private final Set<StorePathHash> expired;

    private GarbageCollectionPlan(Set<StorePathHash> kept, Set<StorePathHash> expired) {
        this.kept = kept;
        this.expired = expired;
    }

    public static GarbageCollectionPlan decide(Collection<PathUsage> paths, Set<StorePathHash> pinned,
                                               RetentionPolicy policy, Instant now) {
        Map<StorePathHash, PathUsage> byHash = new HashMap<>();
        paths.forEach(p -> byHash.put(p.hash(), p));
        Deque<StorePathHash> roots = new ArrayDeque<>();
        for (PathUsage p : paths) {
            if (pinned.contains(p.hash()) || !policy.isExpired(p.lastAccess(), now)) {
                roots.add(p.hash());
            }
        }
        Set<StorePathHash> kept = new HashSet<>();
        while (!roots.isEmpty()) {
            StorePathHash next = roots.pop();
            if (kept.add(next)) {
                PathUsage usage = byHash.get(next);
                if (usage != null) {
                    usage.references().stream().filter(byHash::containsKey).forEach(roots::push);
                }
            }
        }
        Set<StorePathHash> expired = new TreeSet<>();
        for (StorePathHash hash : byHash.keySet()) {
            if (!kept.contains(hash)) {
                expired.add(hash);
            }
        }
        return new GarbageCollectionPlan(Set.copyOf(kept), expired);
    }

    /** The paths to delete, sorted (a stable order for dry runs and logs). */
    public Set<StorePathHash> toDelete() {
        return expired;
    }

    public boolean keeps(StorePathHash hash) {
        return kept.contains(hash);
    }
}
