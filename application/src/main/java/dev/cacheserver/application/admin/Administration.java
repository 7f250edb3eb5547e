package dev.cacheserver.application.admin;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoRemoval;
import dev.cacheserver.application.port.in.ManageStorePaths;
import dev.cacheserver.application.port.in.ReportStorageUsage;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.NarPlacementRepository;
import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.port.PinRepository;
import java.util.List;

/**
 * Assembly of the operator's use cases, for bootstrap: {@link ManageStorePaths} over the running caches and
 * {@link ReportStorageUsage}.
 */
public final class Administration {
    private Administration() {
    }

    /** What path administration needs of one cache: its narinfos, their removal (which also withdraws), NARs, pins. */
    public record CacheParts(CacheProfile cache, NarInfoRepository repository, NarInfoRemoval removal, NarStore store,
                             PinRepository pins) {
    }

    public static ManageStorePaths manageStorePaths(List<CacheParts> caches, AccessPolicy access) {
        return new PathAdminService(caches.stream().map(c -> new PathAdministration(c.cache(), c.repository(),
                c.removal(), c.store(), c.pins())).toList(), access);
    }

    public static ReportStorageUsage reportStorageUsage(NarPlacementRepository placements) {
        return new StorageUsageReport(placements);
    }
}
