package dev.cacheserver.domain.storage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code split}: every storage gets its {@code split} percentage of the NAR files. The next NAR goes to the
 * storage furthest below its share of the files stored so far (largest {@code share × (total + 1) − held}),
 * ties to the earlier storage; this keeps every storage within one file of its share, without randomness.
 * A storage with a 0 share never receives NARs.
 */
public final class Split implements PlacementStrategy {
    @Override
    public List<StorageStatus> preference(List<StorageStatus> storages, Optional<String> lastPlacement) {
        long total = storages.stream().mapToLong(StorageStatus::objects).sum();
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < storages.size(); i++) {
            StorageStatus s = storages.get(i);
            if (s.accepting() && s.splitPercent() > 0) {
                // Scaled by 100 so the deficit stays an exact integer.
                long deficit = (long) s.splitPercent() * (total + 1) - 100L * s.objects();
                candidates.add(new Candidate(s, deficit, i));
            }
        }
        candidates.sort(Comparator.comparingLong(Candidate::deficit).reversed().thenComparingInt(Candidate::index));
        return candidates.stream().map(Candidate::status).toList();
    }

    private record Candidate(StorageStatus status, long deficit, int index) {
    }
}
