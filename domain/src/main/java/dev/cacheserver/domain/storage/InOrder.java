package dev.cacheserver.domain.storage;

import java.util.List;
import java.util.Optional;

/** {@code in-order}: the first storage until it is full, then the next, in configuration order. */
public final class InOrder implements PlacementStrategy {
    @Override
    public List<StorageStatus> preference(List<StorageStatus> storages, Optional<String> lastPlacement) {
        return storages.stream().filter(StorageStatus::accepting).toList();
    }
}
