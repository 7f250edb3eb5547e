package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.http.BinaryCacheEndpoint;
import dev.cacheserver.adapters.httpclient.HttpUpstreamClient;
import dev.cacheserver.adapters.http.UpstreamFallback;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.application.ingest.NarIngestion;
import dev.cacheserver.application.port.in.ServeFromUpstreams;
import dev.cacheserver.application.upstream.Upstream;
import dev.cacheserver.application.upstream.UpstreamAssembly;
import dev.cacheserver.application.upstream.UpstreamEvents;
import dev.cacheserver.application.upstream.UpstreamSettings;
import dev.cacheserver.bootstrap.config.UpstreamConfig;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.signing.PublicSigningKey;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires pull-through from upstream caches: one HTTP client for all caches, and per cache its use case, hooked into
 * the endpoint's miss path before the cluster peers. Every cache gets a {@link ReloadableUpstreams}, so a reload can
 * give upstreams to a cache that had none, change them or take them away ({@link #prepare}). The start banner says
 * that clients trust only this cache's key: the upstreams' keys are checked here.
 */
final class UpstreamWiring {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamWiring.class);

    private final HttpUpstreamClient client;
    private final Operations ops;
    private final Map<String, Attached> caches = new ConcurrentHashMap<>();
    private volatile UpstreamConfig config;

    /** What a cache's use case is built from, and what a reload replaces. */
    private record Attached(CacheProfile profile, NarInfoService narInfos, NarInfoRepository repository, NarStore store,
                            ReloadableUpstreams upstreams) {
    }

    UpstreamWiring(Vertx vertx, UpstreamConfig config, Operations ops) {
        this.config = config;
        this.ops = ops;
        // The client's timeout is fixed at start: server.upstream-timeout needs a restart.
        this.client = new HttpUpstreamClient(vertx, config.timeout());
    }

    /** {@code endpoint} with the (reloadable) upstreams of {@code profile}'s cache. */
    BinaryCacheEndpoint attach(BinaryCacheEndpoint endpoint, CacheProfile profile, NarInfoService narInfos,
                               NarInfoRepository repository, NarStore store) {
        Attached cache = new Attached(profile, narInfos, repository, store, new ReloadableUpstreams());
        caches.put(profile.name().value(), cache);
        cache.upstreams().replace(useCase(cache, config));
        return endpoint.withUpstreams(new UpstreamFallback(cache.upstreams(), client::open));
    }

    /**
     * Builds the use cases of {@code next} for the caches whose upstreams (or their negative TTL or backoff) changed;
     * the returned step swaps them in. Nothing changes before the step runs, so a failure leaves the running ones.
     */
    Runnable prepare(UpstreamConfig next) {
        UpstreamConfig running = config;
        Map<Attached, Optional<ServeFromUpstreams>> changed = new HashMap<>();
        boolean timing = !running.negativeTtl().equals(next.negativeTtl()) || !running.backoff().equals(next.backoff());
        for (Attached cache : caches.values()) {
            String name = cache.profile().name().value();
            if (timing || !running.forCache(name).equals(next.forCache(name))) {
                changed.put(cache, useCase(cache, next));
            }
        }
        return () -> {
            changed.forEach((cache, useCase) -> {
                cache.upstreams().replace(useCase);
                if (useCase.isEmpty()) {
                    LOG.info("cache {} no longer pulls through from upstream caches", cache.profile().name());
                }
            });
            config = next;
        };
    }

    private Optional<ServeFromUpstreams> useCase(Attached cache, UpstreamConfig from) {
        CacheProfile profile = cache.profile();
        List<UpstreamConfig.Entry> entries = from.forCache(profile.name().value());
        if (entries.isEmpty()) {
            return Optional.empty();
        }
        entries.forEach(e -> e.caFile().ifPresent(ca -> client.trust(e.url(), ca)));
        List<Upstream> upstreams = entries.stream().map(e -> new Upstream(e.url(),
                e.publicKeys().stream().map(PublicSigningKey::parse).toList(), e.priority())).toList();
        UpstreamSettings settings = new UpstreamSettings(upstreams, from.negativeTtl(), from.backoff(),
                UpstreamSettings.DEFAULT_MAX_LOOKUPS, UpstreamSettings.DEFAULT_MAX_REMEMBERED);
        ServeFromUpstreams useCase = UpstreamAssembly.serveFromUpstreams(profile, client, settings,
                new NarIngestion(cache.store(), cache.narInfos().uploadDigests()),
                cache.narInfos().publishing()::publish, new LoggingUpstreamEvents(profile), Clock.systemUTC());
        LOG.info("cache {} pulls through from {}; clients trust only this cache's key {} (the upstreams' keys are "
                        + "checked here)", profile.name(),
                settings.upstreams().stream().map(u -> u.url() + " (priority " + u.priority() + ")")
                        .collect(Collectors.joining(", ")), profile.signingKey().publicKey());
        // Registers the counters of upstreams not seen before; they read the cache's current use case.
        ops.upstreams(profile.name().value(), cache.upstreams(), useCase.stats());
        return Optional.of(useCase);
    }

    /** Upstream problems for operators: a rejected narinfo is a warning (wrong key configured, or an attack). */
    private static final class LoggingUpstreamEvents implements UpstreamEvents {
        private final CacheProfile cache;

        LoggingUpstreamEvents(CacheProfile cache) {
            this.cache = cache;
        }

        @Override
        public void rejected(URI upstream, StorePathHash hash, String reason) {
            LOG.warn("cache {}: refused the narinfo of {} from upstream {}: {}", cache.name(), hash, upstream, reason);
        }

        @Override
        public void failed(URI upstream, String reason) {
            LOG.warn("cache {}: upstream {} failed, skipped for a while: {}", cache.name(), upstream, reason);
        }

        @Override
        public void kept(URI upstream, StorePathHash hash) {
            LOG.debug("cache {}: kept {} from upstream {}", cache.name(), hash, upstream);
        }
    }
}
