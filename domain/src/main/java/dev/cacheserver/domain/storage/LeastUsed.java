package dev.cacheserver.domain.storage;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** {@code least-used}: the storage holding the fewest bytes; ties go to the earlier one in configuration order. */
public final class LeastUsed implements PlacementStrategy {
    @Override
    public List<StorageStatus> preference(List<StorageStatus> storages, Optional<String> lastPlacement) {
        // A stable sort keeps configuration order among equals.
        return storages.stream().filter(StorageStatus::accepting)
                .sorted(Comparator.comparingLong(StorageStatus::usedBytes)).toList();
    }
}
