package dev.cacheserver.application.narinfo;

import dev.cacheserver.application.access.CacheAccess;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.GetCacheInfo;

/** {@link GetCacheInfo}: the profile's {@code nix-cache-info}, to readers; uploads need write access. */
final class CacheInfo implements GetCacheInfo {
    private final CacheAccess access;
    /** The priority is fixed while running, so the text is too. */
    private final String text;

    CacheInfo(CacheAccess access) {
        this.access = access;
        this.text = access.cache().nixCacheInfo();
    }

    @Override
    public String nixCacheInfo(Caller caller) {
        access.read(caller);
        return text;
    }

    @Override
    public void authorizeUpload(Caller caller) {
        access.write(caller);
    }
}
