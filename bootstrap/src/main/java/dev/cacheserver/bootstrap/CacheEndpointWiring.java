package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.http.BinaryCacheEndpoint;
import dev.cacheserver.adapters.http.NixProtocol;
import dev.cacheserver.adapters.http.BinaryCacheVerticle;
import dev.cacheserver.adapters.http.ConnectionLimits;
import dev.cacheserver.adapters.http.ProtocolFiles;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.application.narinfo.NixCachePorts;
import dev.cacheserver.application.replica.ReplicaNarInfoChanges;
import dev.cacheserver.application.ingest.NarIngestAssembly;
import dev.cacheserver.application.port.in.IngestNar;
import dev.cacheserver.application.narinfo.NarService;
import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.CacheSettings;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.NarStore;
import io.vertx.core.DeploymentOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 5 of the start ({@link ServerStartup}): each enabled cache on its own port. Per cache its profile, NAR store,
 * narinfo and NAR use cases, the endpoint with its upstream and peer fallbacks, part uploads and protocol files, and
 * one verticle deployment (one instance per core). Needs the cluster, the upstreams and the Cachix API's uploads.
 */
final class CacheEndpointWiring {
    private static final Logger LOG = LoggerFactory.getLogger(CacheEndpointWiring.class);
    /** Far above any real NAR; guards the disk against a runaway or hostile upload. */
    static final long MAX_NAR_BYTES = 1L << 40;

    private final ServerCore core;
    private final AppConfig config;
    private final ClusterWiring cluster;
    private final UpstreamWiring upstreams;
    private final CachixApiWiring api;
    private final ProtocolFilesWiring protocolFiles;

    CacheEndpointWiring(ServerCore core, AppConfig config, ClusterWiring cluster, UpstreamWiring upstreams,
                        CachixApiWiring api, ProtocolFilesWiring protocolFiles) {
        this.core = core;
        this.config = config;
        this.cluster = cluster;
        this.upstreams = upstreams;
        this.api = api;
        this.protocolFiles = protocolFiles;
    }

    /** Starts every enabled cache, in the order of the file. Blocks. */
    List<CacheServer.RunningCache> startAll() throws Exception {
        List<CacheServer.RunningCache> running = new ArrayList<>();
        for (CacheSettings settings : config.caches()) {
            if (!settings.enabled()) {
                LOG.info("cache {} is disabled (enabled: false)", settings.name());
                continue;
            }
            running.add(start(settings));
        }
        return running;
    }

    private CacheServer.RunningCache start(CacheSettings settings) throws Exception {
        KeyRing keys = core.keys();
        CacheProfile profile = new CacheProfile(new CacheName(settings.name()),
                settings.access() == CacheSettings.Access.PUBLIC, keys.signingKeys(settings), keys.publicUrl(settings),
                settings.priority());
        NarStore store = CacheServer.await(new NarStores(core.vertx(), core.database(), config.server().dataDir())
                .open(settings));
        NarInfoRepository repository = core.database().narInfos();
        // Nothing is loaded: narinfos are read on demand, so starting takes the same time for any number of paths.
        boolean trusted = keys.signaturesMadeWithCurrentKeys(settings, profile.signingKeys());
        NarInfoService narInfos = new NarInfoService(profile, repository, store, core.hasher(), Clock.systemUTC(),
                config.server().narInfoCacheBytes(), trusted);
        ReplicaNarInfoChanges.connect(profile.name(), narInfos, core.database().events());
        if (!trusted) {
            keys.recordPassStarting(settings, profile.signingKeys());
            new SigningKeyResign(keys, settings, profile, narInfos).start();
        }
        NarService nars = new NarService(store);
        IngestNar ingest = NarIngestAssembly.nixUploads(profile, core.access(), store, narInfos.uploadDigests(),
                MAX_NAR_BYTES);
        NixCachePorts ports = NixCachePorts.create(profile, core.access(), narInfos, nars);
        BinaryCacheEndpoint endpoint = new BinaryCacheEndpoint(profile.name(), new NixProtocol(ports.lookUpNarInfo(),
                ports.publishNarInfo(), ports.readNar(), ports.cacheInfo()), ingest,
                config.server().hostname(), settings.port(), MAX_NAR_BYTES);
        BinaryCacheEndpoint attached = upstreams.attach(cluster.attach(endpoint, profile, narInfos, repository, store),
                profile, narInfos, repository, store);
        BinaryCacheEndpoint clustered = attached.withClusterStatus(
                ports.clusterStatus(attached.peers() == null ? null : attached.peers().useCase()));
        ProtocolFiles files = protocolFiles.open(core.vertx(), config, core.database(), profile, core.access());
        try {
            BinaryCacheEndpoint served = clustered.withPartUploads(api.uploads()).withOperations(core.ops().http())
                    .withProtocolFiles(files);
            ConnectionLimits limits = connectionLimits(config);
            CacheServer.await(core.vertx().deployVerticle(() -> new BinaryCacheVerticle(served, limits),
                    new DeploymentOptions().setInstances(Math.max(1, core.cores()))));
        } catch (Exception e) {
            throw new StartupException("cache " + settings.name() + ": cannot listen on " + config.server().hostname()
                    + ":" + settings.port() + " (" + e.getMessage() + ")", e);
        }
        core.ops().cache(settings.name(), store, clustered.peers(), config.server().dataDir());
        LOG.info("cache {} serves on {}:{}", settings.name(), config.server().hostname(), settings.port());
        return new CacheServer.RunningCache(settings, profile, narInfos, nars, store);
    }

    /** The {@code server:} connection limits, for every port. */
    static ConnectionLimits connectionLimits(AppConfig config) {
        var limits = config.server().connectionLimits();
        return new ConnectionLimits(limits.headerTimeout(), limits.bodyTimeout(), limits.bodyMinRate(),
                limits.maxConnections());
    }
}
