package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.ServeFromPeers;
import dev.cacheserver.domain.port.PeerDirectory.DirectoryStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;

/** The body of {@code GET /api/v1/dht/status}: the node's DHT state and this cache's peer fallback counters. */
final class ClusterStatusJson {
    private ClusterStatusJson() {
    }

    static JsonObject render(String cache, ServeFromPeers.Status status) {
        DirectoryStatus d = status.directory();
        ServeFromPeers.Stats f = status.fallback();
        JsonObject dht = new JsonObject().put("mode", d.mode()).put("reason", d.reason()).put("nodeId", d.nodeId())
                .put("port", d.port()).put("network", d.network())
                .put("bootstrapPeers", new JsonArray(new ArrayList<Object>(d.bootstrapPeers())))
                .put("reachablePeers", d.reachablePeers()).put("announced", d.announced())
                .put("pendingAnnouncements", d.pendingAnnouncements()).put("withdrawn", d.withdrawn())
                .put("lookups", d.lookups()).put("lookupsFound", d.lookupsFound())
                .put("lookupTimeouts", d.lookupTimeouts()).put("failures", d.failures());
        JsonObject fallback = new JsonObject().put("cache", cache).put("misses", f.misses())
                .put("servedFromPeers", f.servedFromPeers()).put("negativeCacheHits", f.negativeCacheHits())
                .put("rejected", f.rejected()).put("peerFailures", f.peerFailures())
                .put("pulledThrough", f.pulledThrough());
        return new JsonObject().put("dht", dht).put("peerFallback", fallback);
    }
}
