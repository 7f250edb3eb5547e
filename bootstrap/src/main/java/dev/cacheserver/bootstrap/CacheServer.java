package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.http.BinaryCacheEndpoint;
import dev.cacheserver.adapters.http.BinaryCacheVerticle;
import dev.cacheserver.adapters.persistence.SqliteDatabase;
import dev.cacheserver.adapters.persistence.SqliteNarInfoRepository;
import dev.cacheserver.adapters.storage.DecompressingNarContentHasher;
import dev.cacheserver.adapters.storage.StorageGroupNarStore;
import dev.cacheserver.application.AccessPolicy;
import dev.cacheserver.application.CacheProfile;
import dev.cacheserver.application.NarInfoService;
import dev.cacheserver.application.NarService;
import dev.cacheserver.application.RevocationList;
import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.CacheSettings;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.port.NarStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the whole server by hand from a validated configuration and starts it: the database, one NAR store
 * per cache, the use cases, and one HTTP verticle deployment (several instances) per cache.
 */
public final class CacheServer {
    private static final Logger LOG = LoggerFactory.getLogger(CacheServer.class);
    /** Far above any real NAR; guards the disk against a runaway or hostile upload. */
    static final long MAX_NAR_BYTES = 1L << 40;

    private final Vertx vertx;
    private final SqliteDatabase database;
    private final DecompressingNarContentHasher hasher;
    private final List<RunningCache> caches;

    /** A started cache: what it is and how to reach it. */
    public record RunningCache(CacheSettings settings, CacheProfile profile, NarInfoService narInfos, NarService nars,
                               NarStore store) {
    }

    private CacheServer(Vertx vertx, SqliteDatabase database, DecompressingNarContentHasher hasher,
                        List<RunningCache> caches) {
        this.vertx = vertx;
        this.database = database;
        this.hasher = hasher;
        this.caches = List.copyOf(caches);
    }

    public List<RunningCache> caches() {
        return caches;
    }

    /** Starts everything or nothing: on failure, what was started is closed again. Blocks the calling thread. */
    public static CacheServer start(AppConfig config) throws Exception {
        KeyRing keys = new KeyRing(config);
        RevocationList revocations = new RevocationList();
        AccessPolicy access = new AccessPolicy(new Hs256Tokens(keys.tokenKey()), Clock.systemUTC(), revocations);
        int cores = Runtime.getRuntime().availableProcessors();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(2, cores))
                .setPreferNativeTransport(true));
        try {
            SqliteDatabase database = await(SqliteDatabase.open(vertx, config.server().database()));
            DecompressingNarContentHasher hasher = new DecompressingNarContentHasher(vertx);
            ClusterWiring cluster = ClusterWiring.start(vertx, config, keys);
            ApiServer api = ApiServer.create(vertx, config, database, access, revocations, keys.tokenKey(), cores);
            List<RunningCache> running = new ArrayList<>();
            for (CacheSettings settings : config.caches()) {
                if (!settings.enabled()) {
                    LOG.info("cache {} is disabled (enabled: false)", settings.name());
                    continue;
                }
                running.add(startCache(vertx, config, settings, keys, access, database, hasher, cores, cluster, api));
            }
            java.util.Optional<DeployServer> deploy = DeployServer.start(vertx, config, keys, database, running, revocations);
            api.start(running, cluster.directory(), router -> deploy.ifPresent(d -> d.routes().mount(router)));
            return new CacheServer(vertx, database, hasher, running);
        } catch (Exception e) {
            vertx.close().await(10, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static RunningCache startCache(Vertx vertx, AppConfig config, CacheSettings settings, KeyRing keys,
                                           AccessPolicy access, SqliteDatabase database,
                                           DecompressingNarContentHasher hasher, int cores,
                                           ClusterWiring cluster, ApiServer api) throws Exception {
        CacheProfile profile = new CacheProfile(new CacheName(settings.name()),
                settings.access() == CacheSettings.Access.PUBLIC, keys.signingKey(settings), keys.publicUrl(settings),
                settings.priority());
        NarStore store = await(new NarStores(vertx, database, config.server().dataDir()).open(settings));
        NarInfoService narInfos = new NarInfoService(profile, new SqliteNarInfoRepository(database), store, hasher);
        int loaded = narInfos.start().toCompletableFuture().get(5, TimeUnit.MINUTES);
        NarService nars = new NarService(store);
        BinaryCacheEndpoint endpoint = new BinaryCacheEndpoint(profile, narInfos, narInfos, nars, nars, access,
                config.server().hostname(), settings.port(), MAX_NAR_BYTES);
        BinaryCacheEndpoint clustered = cluster.attach(endpoint, profile, narInfos);
        try {
            await(vertx.deployVerticle(() -> new BinaryCacheVerticle(clustered.withPartUploads(api.uploads())),
                    new DeploymentOptions().setInstances(Math.max(1, cores))));
        } catch (Exception e) {
            throw new StartupException("cache " + settings.name() + ": cannot listen on " + config.server().hostname()
                    + ":" + settings.port() + " (" + e.getMessage() + ")", e);
        }
        LOG.info("cache {} serves {} paths on {}:{}", settings.name(), loaded, config.server().hostname(), settings.port());
        return new RunningCache(settings, profile, narInfos, nars, store);
    }

    /** Stops accepting requests, then closes the database. Blocks the calling thread. */
    public void stop() {
        try {
            List<Future<Void>> undeploys = new ArrayList<>();
            vertx.deploymentIDs().forEach(id -> undeploys.add(vertx.undeploy(id)));
            Future.join(undeploys).await(30, TimeUnit.SECONDS);
            caches.forEach(c -> {
                if (c.store() instanceof StorageGroupNarStore group) {
                    NarStores.close(group);
                }
            });
            Future.join(database.close(), hasher.close()).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("shutdown was not clean: {}", e.toString());
        } finally {
            try {
                vertx.close().await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("closing Vert.x failed: {}", e.toString());
            }
        }
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.await(5, TimeUnit.MINUTES);
    }
}
