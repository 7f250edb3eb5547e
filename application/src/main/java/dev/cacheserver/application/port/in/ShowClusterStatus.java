package dev.cacheserver.application.port.in;

import dev.cacheserver.application.port.in.ServeFromPeers;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /api/v1/dht/status} on a cache port: the cluster directory's state and this cache's fallback counters,
 * for server admins. Throws AuthenticationException or PermissionDeniedException unless the caller presents a valid
 * server-wide admin token, then NotFoundException when the cache has no cluster fallback. Non-blocking.
 */
public interface ShowClusterStatus {
    CompletionStage<ServeFromPeers.Status> status(Caller caller);
}
