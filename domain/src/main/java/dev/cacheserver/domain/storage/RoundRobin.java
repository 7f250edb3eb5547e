package dev.cacheserver.domain.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code round-robin}: each new NAR goes to the storage after the one that received the previous NAR, in
 * configuration order, wrapping around; storages that cannot take it are skipped. Only NAR writes move the
 * position (the caller records the storage that took the NAR); reads never do.
 */
public final class RoundRobin implements PlacementStrategy {
    @Override
    public List<StorageStatus> preference(List<StorageStatus> storages, Optional<String> lastPlacement) {
        int n = storages.size();
        int start = 0;
        if (lastPlacement.isPresent()) {
            for (int i = 0; i < n; i++) {
                if (storages.get(i).name().equals(lastPlacement.get())) {
                    start = (i + 1) % n;
                    break;
                }
            }
        }
        List<StorageStatus> order = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            StorageStatus s = storages.get((start + k) % n);
            if (s.accepting()) {
                order.add(s);
            }
        }
        return order;
    }
}
