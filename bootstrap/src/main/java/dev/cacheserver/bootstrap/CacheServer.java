package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.http.BinaryCacheEndpoint;
import dev.cacheserver.adapters.http.BinaryCacheVerticle;
import dev.cacheserver.adapters.http.ProtocolFiles;
import dev.cacheserver.adapters.persistence.MetadataDatabase;
import dev.cacheserver.domain.port.NarInfoRepository;
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
import io.vertx.core.file.FileSystemOptions;
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
    private final MetadataDatabase database;
    private final DecompressingNarContentHasher hasher;
    private final List<RunningCache> caches;
    private final Operations ops;
    /** The DHT verticle's deployments: stopped after the HTTP ports, so draining uploads can still announce. */
    private final java.util.Set<String> clusterDeployments;
    private final java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
    private final LiveSettings live;

    /** A started cache: what it is and how to reach it. */
    public record RunningCache(CacheSettings settings, CacheProfile profile, NarInfoService narInfos, NarService nars,
                               NarStore store) {
    }

    private CacheServer(Vertx vertx, MetadataDatabase database, DecompressingNarContentHasher hasher,
                        List<RunningCache> caches, Operations ops, java.util.Set<String> clusterDeployments,
                        LiveSettings live) {
        this.vertx = vertx;
        this.database = database;
        this.hasher = hasher;
        this.caches = List.copyOf(caches);
        this.ops = ops;
        this.clusterDeployments = java.util.Set.copyOf(clusterDeployments);
        this.live = live;
    }

    /** What a configuration reload (SIGHUP) changes in this running server. */
    LiveSettings live() {
        return live;
    }

    /** What the maintenance code reports each finished sweep to. */
    public GcMetrics gcMetrics() {
        return ops.gc();
    }

    public List<RunningCache> caches() {
        return caches;
    }

    /** Starts everything or nothing: on failure, what was started is closed again. Blocks the calling thread. */
    public static CacheServer start(AppConfig config) throws Exception {
        KeyRing keys = new KeyRing(config);
        RevocationList revocations = new RevocationList();
        // One instance for the caches, the API and Cachix Deploy, so a reload's new server.key reaches all of them.
        Hs256Tokens tokens = new Hs256Tokens(keys.tokenKey());
        AccessPolicy access = new AccessPolicy(tokens, Clock.systemUTC(), revocations);
        int cores = Runtime.getRuntime().availableProcessors();
        // No class-path resolving: every path the server opens is a real file, and the resolver would otherwise
        // stat each NAR again before sendFile (and create a cache directory under /tmp at start).
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(2, cores))
                .setPreferNativeTransport(true)
                .setFileSystemOptions(new FileSystemOptions().setClassPathResolvingEnabled(false)
                        .setFileCachingEnabled(false)));
        try {
            LOG.info("network transport: {}", vertx.isNativeTransportEnabled() ? "epoll (native)"
                    : "NIO (" + vertx.unavailableNativeTransportCause() + ")");
            MetadataDatabase database = await(MetadataDatabases.open(vertx, config.server()));
            DecompressingNarContentHasher hasher = new DecompressingNarContentHasher(vertx);
            Operations ops = Operations.create(vertx, config, database);
            java.util.Set<String> beforeCluster = java.util.Set.copyOf(vertx.deploymentIDs());
            ClusterWiring cluster = ClusterWiring.start(vertx, config, keys);
            java.util.Set<String> clusterDeployments = new java.util.HashSet<>(vertx.deploymentIDs());
            clusterDeployments.removeAll(beforeCluster);
            UpstreamWiring upstreams = new UpstreamWiring(vertx, config.upstreams());
            ApiServer api = ApiServer.create(vertx, config, database, access, revocations, keys.tokenKey(), cores);
            List<RunningCache> running = new ArrayList<>();
            ProtocolFilesWiring protocolFiles = new ProtocolFilesWiring();
            for (CacheSettings settings : config.caches()) {
                if (!settings.enabled()) {
                    LOG.info("cache {} is disabled (enabled: false)", settings.name());
                    continue;
                }
                running.add(startCache(vertx, config, settings, keys, access, database, hasher, cores, cluster, api,
                        ops, protocolFiles, upstreams));
            }
            java.util.Optional<DeployServer> deploy = DeployServer.start(vertx, config, tokens, database, running, revocations);
            Maintenance maintenance = Maintenance.start(vertx, config, database, running, access);
            maintenance.onReport(report -> {
                if (!report.dryRun()) {
                    protocolFiles.afterGarbageCollection(report.cache());
                    ops.gc().recordRun(report.cache(), report.removedPathCount(),
                            report.removedNars() + report.orphanNars(), report.removedNarBytes() + report.orphanBytes(),
                            report.durationMillis());
                    ops.gc().recordSize(report.cache(), report.storedBytesAfter(), report.maxSize(),
                            report.sizeEvictedCount());
                }
            });
            dev.cacheserver.adapters.http.ops.OperationsRoutes opsRoutes = ops.routes(access, running);
            api.start(running, cluster.directory(), router -> {
                opsRoutes.mount(router);
                deploy.ifPresent(d -> d.routes().mount(router));
                maintenance.routes().mount(router);
                maintenance.pathRoutes().mount(router);
            });
            return new CacheServer(vertx, database, hasher, running, ops, clusterDeployments,
                    new LiveSettings(tokens, running, maintenance.collectors(), cluster));
        } catch (Exception e) {
            vertx.close().await(10, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static RunningCache startCache(Vertx vertx, AppConfig config, CacheSettings settings, KeyRing keys,
                                           AccessPolicy access, MetadataDatabase database,
                                           DecompressingNarContentHasher hasher, int cores,
                                           ClusterWiring cluster, ApiServer api, Operations ops,
                                           ProtocolFilesWiring protocolFiles, UpstreamWiring upstreams) throws Exception {
        CacheProfile profile = new CacheProfile(new CacheName(settings.name()),
                settings.access() == CacheSettings.Access.PUBLIC, keys.signingKeys(settings), keys.publicUrl(settings),
                settings.priority());
        NarStore store = await(new NarStores(vertx, database, config.server().dataDir()).open(settings));
        NarInfoRepository repository = database.narInfos();
        // Nothing is loaded: narinfos are read on demand, so starting takes the same time for any number of paths.
        boolean trusted = keys.signaturesMadeWithCurrentKeys(settings, profile.signingKeys());
        NarInfoService narInfos = new NarInfoService(profile, repository, store, hasher, Clock.systemUTC(),
                config.server().narInfoCacheBytes(), trusted);
        dev.cacheserver.application.replica.ReplicaNarInfoChanges.connect(profile.name(), narInfos, database.events());
        if (!trusted) {
            keys.recordPassStarting(settings, profile.signingKeys());
            resignInBackground(keys, settings, profile, narInfos);
        }
        NarService nars = new NarService(store, narInfos.uploadDigests());
        BinaryCacheEndpoint endpoint = new BinaryCacheEndpoint(profile, narInfos.serving(), narInfos.publishing(),
                nars, nars, access, config.server().hostname(), settings.port(), MAX_NAR_BYTES);
        BinaryCacheEndpoint clustered = upstreams.attach(cluster.attach(endpoint, profile, narInfos, repository),
                profile, narInfos, repository, store, ops);
        ProtocolFiles files = protocolFiles.open(vertx, config, database, profile);
        try {
            BinaryCacheEndpoint served = clustered.withPartUploads(api.uploads()).withOperations(ops.http())
                    .withProtocolFiles(files);
            dev.cacheserver.adapters.http.ConnectionLimits limits = connectionLimits(config);
            await(vertx.deployVerticle(() -> new BinaryCacheVerticle(served, limits),
                    new DeploymentOptions().setInstances(Math.max(1, cores))));
        } catch (Exception e) {
            throw new StartupException("cache " + settings.name() + ": cannot listen on " + config.server().hostname()
                    + ":" + settings.port() + " (" + e.getMessage() + ")", e);
        }
        ops.cache(settings.name(), store, clustered.peers(), config.server().dataDir());
        LOG.info("cache {} serves on {}:{}", settings.name(), config.server().hostname(), settings.port());
        return new RunningCache(settings, profile, narInfos, nars, store);
    }

    /** The {@code server:} connection limits, for every port. */
    static dev.cacheserver.adapters.http.ConnectionLimits connectionLimits(AppConfig config) {
        var limits = config.server().connectionLimits();
        return new dev.cacheserver.adapters.http.ConnectionLimits(limits.headerTimeout(), limits.bodyTimeout(),
                limits.bodyMinRate(), limits.maxConnections());
    }

    /**
     * Signing keys added, removed or reordered (or none recorded): rows are re-signed in pages in the background (and
     * on first serve meanwhile); once all are, the keys are recorded so that the next start trusts their signatures.
     */
    private static void resignInBackground(KeyRing keys, CacheSettings settings, CacheProfile profile,
                                           NarInfoService narInfos) {
        String names = String.join(", ", profile.signingKeys().active().stream().map(k -> k.name()).toList());
        if (!profile.signingKeys().retired().isEmpty()) {
            LOG.info("cache {}: removing the signatures of retired keys {} from stored narinfos", settings.name(),
                    profile.signingKeys().retired());
        }
        narInfos.serving().resignAll(500).whenComplete((count, failure) -> {
            if (failure != null) {
                LOG.warn("cache {}: re-signing stored narinfos with keys {} failed (done on first serve instead): {}",
                        settings.name(), names, failure.getMessage());
                return;
            }
            try {
                keys.recordFinishedPass(settings, profile.signingKeys());
                if (count > 0) {
                    LOG.info("cache {}: re-signed {} stored narinfos with keys {}", settings.name(), count, names);
                }
            } catch (java.io.IOException e) {
                LOG.warn("cache {}: cannot record the signing keys in use: {}", settings.name(), e.getMessage());
            }
        });
    }

    /**
     * Stops in order: every port stops accepting at once and gives requests in flight (uploads included) up to
     * {@link BinaryCacheVerticle#SHUTDOWN_GRACE_SECONDS} to finish, deploy sockets close with 1012; then the DHT
     * node leaves; then spool files of cut-off uploads are deleted, and storages, database and hasher close.
     * Blocks the calling thread; a second call does nothing.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        live.cluster().stopAnnouncing();
        try {
            long bound = BinaryCacheVerticle.SHUTDOWN_GRACE_SECONDS + 30;
            undeploy(vertx.deploymentIDs().stream().filter(id -> !clusterDeployments.contains(id)).toList(), bound);
            undeploy(List.copyOf(vertx.deploymentIDs()), 30);
            ops.sweepSpoolFiles();
            ops.close();
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

    /** Undeploys {@code ids} together; one that fails or hangs is logged and does not stop the rest of the shutdown. */
    private void undeploy(List<String> ids, long boundSeconds) {
        List<Future<Void>> undeploys = new ArrayList<>();
        ids.forEach(id -> undeploys.add(vertx.undeploy(id)));
        try {
            Future.join(undeploys).await(boundSeconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("stopping a component was not clean: {}", e.toString());
        }
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.await(5, TimeUnit.MINUTES);
    }
}
