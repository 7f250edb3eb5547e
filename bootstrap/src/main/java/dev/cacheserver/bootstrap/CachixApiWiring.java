package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.http.CachixApi;
import dev.cacheserver.adapters.http.CachixApiVerticle;
import dev.cacheserver.adapters.persistence.MetadataDatabase;
import dev.cacheserver.adapters.storage.LocalUploadPartStore;
import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.access.RevocationList;
import dev.cacheserver.application.cachix.CachixCache;
import dev.cacheserver.application.cachix.CachixCaches;
import dev.cacheserver.application.cachix.CachixUseCases;
import dev.cacheserver.adapters.http.PartUploadUrls;
import dev.cacheserver.application.cachix.MultipartUploads;
import dev.cacheserver.application.cachix.UploadCapabilities;
import dev.cacheserver.application.cachix.UploadSettings;
import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.port.CacheKeyRepository;
import dev.cacheserver.domain.port.PeerDirectory;
import dev.cacheserver.domain.port.TokenRevocations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the Cachix API: the multipart upload use case (created before the caches start, because each cache's
 * port receives part uploads), the catalog, key registry and pins, the API verticle on {@code server-port},
 * the periodic reload of revoked token ids (the {@code revoke-token} command writes the database from another
 * process) and the sweep of abandoned uploads.
 */
final class CachixApiWiring {
    private static final Logger LOG = LoggerFactory.getLogger(CachixApiWiring.class);
    /** How soon a {@code revoke-token} run elsewhere takes effect. */
    static final long REVOCATION_RELOAD_MILLIS = 5_000;
    /** How often expired uploads and orphaned part files are deleted. */
    static final long UPLOAD_SWEEP_MILLIS = 10 * 60_000;

    private final Vertx vertx;
    private final AppConfig config;
    private final MetadataDatabase database;
    private final AccessPolicy access;
    private final RevocationList revocations;
    private final TokenRevocations tokenStore;
    private final CacheKeyRepository keys;
    private final CachixCaches caches = new CachixCaches(List.of());
    private final MultipartUploads uploads;
    private final LocalUploadPartStore parts;
    private final Clock clock = Clock.systemUTC();

    private CachixApiWiring(Vertx vertx, AppConfig config, MetadataDatabase database, AccessPolicy access,
                      RevocationList revocations, byte[] tokenKey, int cores) {
        this.vertx = vertx;
        this.config = config;
        this.database = database;
        this.access = access;
        this.revocations = revocations;
        this.tokenStore = database.tokenRevocations();
        this.keys = database.cacheKeys(clock);
        this.parts = new LocalUploadPartStore(vertx, config.server().uploadDir());
        this.uploads = new MultipartUploads(caches, access, database.uploads(), parts,
                new UploadCapabilities(tokenKey), new PartUploadUrls(), keys, UploadSettings.defaults(cores), clock);
    }

    /** Loads the revoked token ids (so the access policy is complete before any port opens). Blocks. */
    static CachixApiWiring create(Vertx vertx, AppConfig config, MetadataDatabase database, AccessPolicy access,
                            RevocationList revocations, byte[] tokenKey, int cores) throws Exception {
        CachixApiWiring api = new CachixApiWiring(vertx, config, database, access, revocations, tokenKey, cores);
        // Replicas sharing the database share the upload directory: a half-received part there may be another
        // replica's upload in progress. Leftovers then go with their upload when it expires.
        int leftovers = config.server().sharedDatabase().isPresent() ? 0 : api.parts.deleteLeftoverSpools();
        if (leftovers > 0) {
            LOG.info("deleted {} half-received Cachix part file(s) left by a crash", leftovers);
        }
        revocations.replace(api.tokenStore.revokedIds().toCompletableFuture().get(1, TimeUnit.MINUTES));
        return api;
    }

    /** What each cache's port needs to receive part uploads. */
    MultipartUploads uploads() {
        return uploads;
    }

    /** Serves the started caches on {@code server-port} and starts the periodic jobs. Blocks. */
    void start(List<CacheServer.RunningCache> running, PeerDirectory peers,
               java.util.function.Consumer<io.vertx.ext.web.Router> extraRoutes) throws Exception {
        for (CacheServer.RunningCache cache : running) {
            Compression preferred = "xz".equals(cache.settings().compression()) ? Compression.XZ : Compression.ZSTD;
            caches.add(new CachixCache(cache.profile(), cache.narInfos(), cache.store(), preferred));
        }
        CachixUseCases cachix = new CachixUseCases(caches, access, database.narInfos(), keys,
                database.pins(), java.util.Optional.ofNullable(peers), clock);
        CachixApi api = new CachixApi(cachix.credentials(), cachix.describe(), cachix.missing(), cachix.paths(),
                cachix.keys(), cachix.pins(), cachix.dht(), uploads, uploads, config.server().hostname(),
                config.server().serverPort());
        try {
            CacheServer.await(vertx.deployVerticle(() -> new CachixApiVerticle(api, extraRoutes,
                            CacheEndpointWiring.connectionLimits(config)),
                    new io.vertx.core.DeploymentOptions().setInstances(2)));
        } catch (Exception e) {
            throw new StartupException("the Cachix API cannot listen on " + config.server().hostname() + ":"
                    + config.server().serverPort() + " (server.server-port: " + e.getMessage() + ")", e);
        }
        sweepUploads();
        vertx.setPeriodic(UPLOAD_SWEEP_MILLIS, id -> sweepUploads());
        vertx.setPeriodic(REVOCATION_RELOAD_MILLIS, id -> reloadRevocations());
        database.events().subscribe(new dev.cacheserver.domain.port.MetadataEvents.Listener() {
            @Override
            public void narInfoChanged(dev.cacheserver.domain.model.CacheName cache,
                                       dev.cacheserver.domain.model.StorePathHash hash) {
            }

            @Override
            public void tokenRevoked() {
                reloadRevocations();
            }
        });
        LOG.info("Cachix API on {}:{} for {} cache(s)", config.server().hostname(), config.server().serverPort(),
                running.size());
    }

    private void sweepUploads() {
        Future.fromCompletionStage(uploads.expireAbandoned()).onComplete(result -> {
            if (result.failed()) {
                LOG.warn("sweeping abandoned uploads failed: {}", result.cause().toString());
            } else if (result.result() > 0) {
                LOG.info("deleted {} abandoned upload(s)", result.result());
            }
        });
    }

    private void reloadRevocations() {
        Future.fromCompletionStage(tokenStore.revokedIds()).onComplete(result -> {
            if (result.succeeded()) {
                revocations.replace(result.result());
            } else {
                // Keep the last list: failing open would un-revoke tokens.
                LOG.warn("reloading revoked tokens failed: {}", result.cause().toString());
            }
        });
    }
}
