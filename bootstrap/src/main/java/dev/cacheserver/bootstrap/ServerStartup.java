package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.http.ops.OperationsRoutes;
import dev.cacheserver.bootstrap.config.AppConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one place that starts the server, step by step in the order the steps depend on each other; each step is a
 * wiring class of its own. The order:
 * <ol>
 * <li>{@link ServerCore}: Vert.x, keys, access policy, database, hasher, operations: everything below uses them.</li>
 * <li>{@link ClusterWiring}: the DHT verticle, before any cache, whose endpoint gets its peer fallback and
 * announcements from it. Its deployments are remembered: they stop after the ports.</li>
 * <li>{@link UpstreamWiring}: the upstream client, before any cache, whose endpoint gets its upstream fallback.</li>
 * <li>{@link CachixApiWiring#create}: revoked tokens loaded and the multipart upload use case made before any port
 * opens (the access policy must be complete, and each cache's port receives part uploads).</li>
 * <li>{@link CacheEndpointWiring}: each cache on its port (with {@link ProtocolFilesWiring}).</li>
 * <li>{@link DeployWiring} and {@link MaintenanceWiring}: they need the running caches (keys, collectors).</li>
 * <li>{@link CachixApiWiring#start}: last, the API port on server-port, serving the caches and carrying the
 * operations, deploy and admin routes of the steps before.</li>
 * </ol>
 * What a reload may change afterwards is gathered in {@link LiveSettings}.
 */
final class ServerStartup {
    private ServerStartup() {
    }

    /** Starts everything or nothing: on failure, what was started is closed again. Blocks the calling thread. */
    static CacheServer start(AppConfig config) throws Exception {
        ServerCore core = ServerCore.open(config);
        try {
            Set<String> beforeCluster = Set.copyOf(core.vertx().deploymentIDs());
            ClusterWiring cluster = ClusterWiring.start(core.vertx(), config, core.keys());
            Set<String> clusterDeployments = new HashSet<>(core.vertx().deploymentIDs());
            clusterDeployments.removeAll(beforeCluster);
            UpstreamWiring upstreams = new UpstreamWiring(core.vertx(), config.upstreams(), core.ops());
            CachixApiWiring api = CachixApiWiring.create(core.vertx(), config, core.database(), core.access(),
                    core.revocations(), core.keys().tokenKey(), core.cores());
            ProtocolFilesWiring protocolFiles = new ProtocolFilesWiring();
            List<CacheServer.RunningCache> running = new CacheEndpointWiring(core, config, cluster, upstreams, api,
                    protocolFiles).startAll();
            Optional<DeployWiring> deploy = DeployWiring.start(core.vertx(), config, core.tokens(), core.database(),
                    running, core.revocations());
            MaintenanceWiring maintenance = MaintenanceWiring.start(core.vertx(), config, core.database(), running,
                    core.access());
            maintenance.onReport(new GcReportListener(protocolFiles, core.ops().gc()));
            OperationsRoutes opsRoutes = core.ops().routes(core.access(), running);
            api.start(running, cluster.directory(), router -> {
                opsRoutes.mount(router);
                deploy.ifPresent(d -> d.routes().mount(router));
                maintenance.routes().mount(router);
                maintenance.pathRoutes().mount(router);
            });
            LiveSettings live = new LiveSettings(core.tokens(), running, maintenance.collectors(), cluster, upstreams);
            return new CacheServer(core, running, clusterDeployments, live);
        } catch (Exception e) {
            ServerCore.closeVertx(core.vertx());
            throw e;
        }
    }
}
