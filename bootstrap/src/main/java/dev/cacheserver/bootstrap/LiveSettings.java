package dev.cacheserver.bootstrap;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.retention.GarbageCollector;
import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.CacheSettings;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.retention.RetentionPolicy;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings a running server takes from a re-read configuration without a restart: each cache's access
 * (public/private), retention and max-size, the token key ({@code server.key}: tokens of the old key stop working at once,
 * for the caches, the API and Cachix Deploy), the trusted peer keys, and the upstream caches ({@code upstreams} of
 * the server and of each cache, {@code upstream-negative-ttl}, {@code upstream-backoff}: the next miss asks the new
 * list). Each lives in one object the requests
 * read on every use, so a reload is a few volatile writes.
 */
final class LiveSettings {
    private final Hs256Tokens tokens;
    private final Map<String, CacheProfile> profiles = new HashMap<>();
    private final Map<String, GarbageCollector> collectors;
    private final ClusterWiring cluster;
    private final UpstreamWiring upstreams;

    LiveSettings(Hs256Tokens tokens, List<CacheServer.RunningCache> caches, Map<String, GarbageCollector> collectors,
                 ClusterWiring cluster, UpstreamWiring upstreams) {
        this.tokens = tokens;
        caches.forEach(c -> profiles.put(c.settings().name(), c.profile()));
        this.collectors = Map.copyOf(collectors);
        this.cluster = cluster;
        this.upstreams = upstreams;
    }

    /**
     * Applies {@code next}'s live settings. Everything that can fail (reading a generated token key) happens
     * before the first change, so a failure leaves the running settings whole.
     */
    void apply(AppConfig next) throws IOException {
        byte[] tokenKey = new KeyRing(next).tokenKey();
        Runnable newUpstreams = upstreams.prepare(next.upstreams());
        tokens.rekey(tokenKey);
        for (CacheSettings cache : next.caches()) {
            CacheProfile profile = profiles.get(cache.name());
            if (profile != null) {
                profile.makePublic(cache.access() == CacheSettings.Access.PUBLIC);
            }
            GarbageCollector collector = collectors.get(cache.name());
            if (collector != null) {
                collector.retain(new RetentionPolicy(cache.retention()));
                collector.limitSize(cache.maxSize());
            }
        }
        cluster.trust(next.server().dhtTrustedKeys());
        newUpstreams.run();
    }

    /** The cluster wiring, for shutdown (its announcement walks stop). */
    ClusterWiring cluster() {
        return cluster;
    }
}
