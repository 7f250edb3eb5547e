package dev.cacheserver.application.narinfo;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.LocateNarUseCase;
import dev.cacheserver.application.port.in.ServeFromPeers;
import dev.cacheserver.application.narinfo.PublishNarInfoUseCase;
import dev.cacheserver.application.access.CacheAccess;
import dev.cacheserver.application.port.in.AuthorizeUpload;
import dev.cacheserver.application.port.in.GetCacheInfo;
import dev.cacheserver.application.port.in.LookUpNarInfo;
import dev.cacheserver.application.port.in.PublishNarInfo;
import dev.cacheserver.application.port.in.ReadNar;
import dev.cacheserver.application.port.in.ShowClusterStatus;

/**
 * The Nix binary-cache protocol of one cache as inbound ports, for bootstrap to hand to the HTTP adapter. Every
 * port decides the caller's access from the cache's {@link AccessPolicy} before it does anything else.
 */
public final class NixCachePorts {
    private final CacheAccess access;
    private final LookUpNarInfo lookUpNarInfo;
    private final ReadNar readNar;
    private final PublishNarInfo publishNarInfo;
    private final GetCacheInfo cacheInfo;

    private NixCachePorts(CacheAccess access, GetNarInfoUseCase served, PublishNarInfoUseCase publisher,
                          LocateNarUseCase nars) {
        this.access = access;
        this.lookUpNarInfo = new NarInfoReads(access, served);
        this.readNar = new NarReads(access, nars, served);
        this.publishNarInfo = new NarInfoUploads(access, publisher);
        this.cacheInfo = new CacheInfo(access);
    }

    /** The ports over the {@code narInfos} and the {@code nars} of {@code cache}. */
    public static NixCachePorts create(CacheProfile cache, AccessPolicy policy, NarInfoService narInfos,
                                       LocateNarUseCase nars) {
        return new NixCachePorts(new CacheAccess(cache, policy), narInfos.serving(), narInfos.publishing(), nars);
    }

    public LookUpNarInfo lookUpNarInfo() {
        return lookUpNarInfo;
    }

    public ReadNar readNar() {
        return readNar;
    }

    public PublishNarInfo publishNarInfo() {
        return publishNarInfo;
    }

    /** Also authorises the uploads whose content the cache does not keep ({@code nix-cache-info}, NAR listings). */
    public GetCacheInfo cacheInfo() {
        return cacheInfo;
    }

    /** Whether a caller may upload NARs, asked before their body is read. */
    public AuthorizeUpload authorizeUpload() {
        return access::write;
    }

    /** The admin view of the cluster; {@code peers} null: the cache has no cluster fallback (404 to admins). */
    public ShowClusterStatus clusterStatus(ServeFromPeers peers) {
        return new ClusterStatusView(access, peers);
    }
}
