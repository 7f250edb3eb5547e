package dev.cacheserver.application.narinfo;

import dev.cacheserver.application.port.in.ServeFromPeers;
import dev.cacheserver.application.access.CacheAccess;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.ShowClusterStatus;
import dev.cacheserver.domain.error.NotFoundException;
import java.util.concurrent.CompletionStage;

/** {@link ShowClusterStatus}: an admin token first, then the cache's peer fallback, if it has one. */
final class ClusterStatusView implements ShowClusterStatus {
    private final CacheAccess access;
    /** Null when the cache has no cluster fallback. */
    private final ServeFromPeers peers;

    ClusterStatusView(CacheAccess access, ServeFromPeers peers) {
        this.access = access;
        this.peers = peers;
    }

    @Override
    public CompletionStage<ServeFromPeers.Status> status(Caller caller) {
        access.admin(caller);
        if (peers == null) {
            throw new NotFoundException("cluster fallback is not configured for this cache");
        }
        return peers.status();
    }
}
