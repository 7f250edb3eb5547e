package dev.cacheserver.application.migration;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.application.port.in.ImportFromOriginal;
import dev.cacheserver.domain.port.NarContentHasher;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.port.OriginalS3Objects;
import dev.cacheserver.domain.port.OriginalServerArchive;

/** Assembly of the migration from the original server, for bootstrap's {@code import-original} command. */
public final class Migration {
    private Migration() {
    }

    /**
     * Imports into {@code cache} (its store, narinfos and key) from the original's {@code archive}; the NARs of its
     * S3 storages are read through {@code s3}.
     */
    public static ImportFromOriginal importer(CacheProfile cache, OriginalServerArchive archive, OriginalS3Objects s3,
                                              NarStore store,
                                              NarInfoRepository repository, NarInfoService narInfos,
                                              NarContentHasher hasher) {
        return new ImportOriginalService(cache, archive, s3, store, repository, narInfos, hasher);
    }
}
