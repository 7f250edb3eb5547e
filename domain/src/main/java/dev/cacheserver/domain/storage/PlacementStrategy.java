package dev.cacheserver.domain.storage;

import java.util.List;
import java.util.Optional;

/**
 * Decides which storage of a cache receives a new NAR. Pure and deterministic: the same statuses and the
 * same last placement give the same answer, with no randomness and no I/O. The answer is every accepting
 * storage, best first: the caller tries them in that order, so a storage that fails mid-upload hands the NAR
 * to the next one. Storages that do not accept are never listed; an empty list means none can take it.
 */
public interface PlacementStrategy {

    /**
     * @param storages      the cache's storages in configuration order
     * @param lastPlacement the storage that received the previous NAR written, if known (round-robin state)
     */
    List<StorageStatus> preference(List<StorageStatus> storages, Optional<String> lastPlacement);

    /** The strategy for a {@code storage-strategy} spelling: round-robin, in-order, split or least-used. */
    static PlacementStrategy named(String name) {
        return switch (name) {
            case "round-robin" -> new RoundRobin();
            case "in-order" -> new InOrder();
            case "split" -> new Split();
            case "least-used" -> new LeastUsed();
            default -> throw new IllegalArgumentException("unknown storage strategy: " + name);
        };
    }
}
