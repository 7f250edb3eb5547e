package dev.cacheserver.application.admin;

import dev.cacheserver.application.port.in.ReportStorageUsage;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.port.NarPlacementRepository;
import dev.cacheserver.domain.port.NarPlacementRepository.Usage;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** {@link ReportStorageUsage} from the placement records. */
final class StorageUsageReport implements ReportStorageUsage {
    private final NarPlacementRepository placements;

    StorageUsageReport(NarPlacementRepository placements) {
        this.placements = placements;
    }

    @Override
    public CompletionStage<Map<String, Usage>> usage(String cache) {
        return placements.usage(new CacheName(cache));
    }
}
