package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.storage.PlacementStrategy;
import dev.cacheserver.domain.storage.StorageStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/** The order in which a group's storages are offered a new NAR: the strategy's, failing storages last. */
final class StoragePreference {
    private final GroupMembers members;
    private final PlacementStrategy strategy;
    private final PlacementLedger ledger;
    private final StorageHealth health;

    StoragePreference(GroupMembers members, PlacementStrategy strategy, PlacementLedger ledger, StorageHealth health) {
        this.members = members;
        this.strategy = strategy;
        this.ledger = ledger;
        this.health = health;
    }

    /** The storages that would take a NAR of {@code incoming} bytes, best first; {@code free} may be null. */
    List<StorageStatus> order(long incoming, OptionalLong[] free) {
        return order(statuses(incoming, free));
    }

    /** The strategy's order, with storages that failed recently moved to the end: tried only if all else fails. */
    List<StorageStatus> order(List<StorageStatus> statuses) {
        List<StorageStatus> order = new ArrayList<>(strategy.preference(statuses, ledger.lastPlacement()));
        order.sort(Comparator.comparing(s -> health.failing(members.indexOf(s.name()))));
        return order;
    }

    List<StorageStatus> statuses(long incoming, OptionalLong[] free) {
        List<StorageStatus> statuses = new ArrayList<>(members.size());
        for (int i = 0; i < members.size(); i++) {
            StorageGroupNarStore.Member m = members.get(i);
            OptionalLong freeBytes = free == null ? OptionalLong.empty() : free[i];
            long used = ledger.bytes(i);
            boolean accepting = m.capacity().fits(used, incoming, freeBytes) && !health.outOfSpace(i);
            statuses.add(new StorageStatus(m.name(), used, ledger.files(i), m.splitPercent(), accepting));
        }
        return statuses;
    }
}
