package dev.cacheserver.adapters.dht;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.PeerDirectory.DirectoryStatus;
import dev.cacheserver.domain.port.PeerDirectory.Provider;
import dev.cacheserver.domain.signing.PublicSigningKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The JSON shapes of the DHT verticle's event-bus messages. */
final class ProviderJson {
    private ProviderJson() {
    }

    static JsonObject provider(Provider provider) {
        return new JsonObject().put("url", provider.url().toString()).put("cache", provider.cache().value())
                .put("key", provider.publicKey().toString());
    }

    static Provider provider(JsonObject json) {
        return new Provider(URI.create(json.getString("url")), new CacheName(json.getString("cache")),
                PublicSigningKey.parse(json.getString("key")));
    }

    static JsonObject announcement(Provider self, Collection<StorePathHash> hashes) {
        JsonArray array = new JsonArray();
        hashes.forEach(h -> array.add(h.value()));
        return new JsonObject().put("provider", provider(self)).put("hashes", array);
    }

    static List<StorePathHash> hashes(JsonObject announcement) {
        List<StorePathHash> hashes = new ArrayList<>();
        for (Object o : announcement.getJsonArray("hashes")) {
            hashes.add(new StorePathHash((String) o));
        }
        return hashes;
    }

    static JsonArray providers(Collection<Provider> providers) {
        JsonArray array = new JsonArray();
        providers.forEach(p -> array.add(provider(p)));
        return array;
    }

    static List<Provider> providers(JsonArray array) {
        List<Provider> providers = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            providers.add(provider(array.getJsonObject(i)));
        }
        return providers;
    }

    static JsonObject status(DirectoryStatus s) {
        return new JsonObject().put("mode", s.mode()).put("reason", s.reason()).put("nodeId", s.nodeId())
                .put("port", s.port()).put("network", s.network())
                .put("bootstrapPeers", new JsonArray(new ArrayList<Object>(s.bootstrapPeers())))
                .put("reachablePeers", s.reachablePeers()).put("announced", s.announced())
                .put("pendingAnnouncements", s.pendingAnnouncements()).put("withdrawn", s.withdrawn())
                .put("lookups", s.lookups()).put("lookupsFound", s.lookupsFound())
                .put("lookupTimeouts", s.lookupTimeouts()).put("failures", s.failures());
    }

    static DirectoryStatus status(JsonObject j) {
        List<String> peers = new ArrayList<>();
        j.getJsonArray("bootstrapPeers").forEach(p -> peers.add(String.valueOf(p)));
        return new DirectoryStatus(j.getString("mode"), j.getString("reason"), j.getString("nodeId"),
                j.getInteger("port"), j.getLong("network"), peers, j.getInteger("reachablePeers"),
                j.getLong("announced"), j.getLong("pendingAnnouncements"), j.getLong("withdrawn"),
                j.getLong("lookups"), j.getLong("lookupsFound"), j.getLong("lookupTimeouts"), j.getLong("failures"));
    }
}
