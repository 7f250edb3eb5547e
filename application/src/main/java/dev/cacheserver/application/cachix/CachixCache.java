package dev.cacheserver.application.cachix;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.port.NarStore;
import java.util.Objects;

/** One cache as the Cachix API sees it: its profile, narinfos, NAR store and preferred push compression. */
public record CachixCache(CacheProfile profile, NarInfoService narInfos, NarStore store, Compression preferred) {
    public CachixCache {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(narInfos, "narInfos");
        Objects.requireNonNull(store, "store");
        if (preferred != Compression.XZ && preferred != Compression.ZSTD) {
            throw new IllegalArgumentException("Cachix clients push xz or zstd only");
        }
    }
}
