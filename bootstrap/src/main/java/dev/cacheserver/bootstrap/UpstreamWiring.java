package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.http.BinaryCacheEndpoint;
import dev.cacheserver.adapters.http.HttpUpstreamClient;
import dev.cacheserver.adapters.http.UpstreamFallback;
import dev.cacheserver.application.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.application.upstream.Upstream;
import dev.cacheserver.application.upstream.UpstreamEvents;
import dev.cacheserver.application.upstream.UpstreamAssembly;
import dev.cacheserver.application.upstream.UpstreamSettings;
import dev.cacheserver.application.ingest.NarIngestion;
import dev.cacheserver.application.port.in.ServeFromUpstreams;
import dev.cacheserver.bootstrap.config.UpstreamConfig;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.signing.PublicSigningKey;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires pull-through from upstream caches: one HTTP client for all caches, and per cache with upstreams its
 * use case, hooked into the endpoint's miss path before the cluster peers. The start banner says that clients
 * trust only this cache's key: the upstreams' keys are checked here.
 */
final class UpstreamWiring {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamWiring.class);

    private final UpstreamConfig config;
    private final HttpUpstreamClient client;

    UpstreamWiring(Vertx vertx, UpstreamConfig config) {
        this.config = config;
        this.client = new HttpUpstreamClient(vertx, config.timeout());
    }

    /** {@code endpoint} with the upstreams of {@code profile}'s cache, or unchanged when it has none. */
    BinaryCacheEndpoint attach(BinaryCacheEndpoint endpoint, CacheProfile profile, NarInfoService narInfos,
                               NarStore store, Operations ops) {
        List<UpstreamConfig.Entry> entries = config.forCache(profile.name().value());
        if (entries.isEmpty()) {
            return endpoint;
        }
        List<Upstream> upstreams = entries.stream().map(e -> new Upstream(e.url(),
                e.publicKeys().stream().map(PublicSigningKey::parse).toList(), e.priority())).toList();
        UpstreamSettings settings = new UpstreamSettings(upstreams, config.negativeTtl(), config.backoff(),
                UpstreamSettings.DEFAULT_MAX_LOOKUPS, UpstreamSettings.DEFAULT_MAX_REMEMBERED);
        ServeFromUpstreams useCase = UpstreamAssembly.serveFromUpstreams(profile, client, settings,
                new NarIngestion(store, narInfos.uploadDigests()), narInfos.publishing()::publish,
                new LoggingUpstreamEvents(profile), Clock.systemUTC());
        ops.upstreams(profile.name().value(), useCase);
        LOG.info("cache {} pulls through from {}; clients trust only this cache's key {} (the upstreams' keys are "
                        + "checked here)", profile.name(),
                settings.upstreams().stream().map(u -> u.url() + " (priority " + u.priority() + ")")
                        .collect(Collectors.joining(", ")), profile.signingKey().publicKey());
        return endpoint.withUpstreams(new UpstreamFallback(useCase, client));
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
