package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.http.BinaryCacheVerticle;
import dev.cacheserver.adapters.storage.StorageGroupNarStore;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.application.narinfo.NarService;
import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.CacheSettings;
import dev.cacheserver.domain.port.NarStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server: started from a validated configuration by {@link ServerStartup} (the database, one NAR store
 * per cache, the use cases, and one HTTP verticle deployment per cache), stopped in order by {@link #stop}.
 */
public final class CacheServer {
    private static final Logger LOG = LoggerFactory.getLogger(CacheServer.class);

    private final ServerCore core;
    private final List<RunningCache> caches;
    /** The DHT verticle's deployments: stopped after the HTTP ports, so draining uploads can still announce. */
    private final Set<String> clusterDeployments;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final LiveSettings live;

    /** A started cache: what it is and how to reach it. */
    public record RunningCache(CacheSettings settings, CacheProfile profile, NarInfoService narInfos, NarService nars,
                               NarStore store) {
    }

    CacheServer(ServerCore core, List<RunningCache> caches, Set<String> clusterDeployments, LiveSettings live) {
        this.core = core;
        this.caches = List.copyOf(caches);
        this.clusterDeployments = Set.copyOf(clusterDeployments);
        this.live = live;
    }

    /** Starts everything or nothing ({@link ServerStartup}). Blocks the calling thread. */
    public static CacheServer start(AppConfig config) throws Exception {
        return ServerStartup.start(config);
    }

    /** What a configuration reload (SIGHUP) changes in this running server. */
    LiveSettings live() {
        return live;
    }

    /** The server's Vert.x, e.g. to re-read the configuration on it. */
    Vertx vertx() {
        return core.vertx();
    }

    /** What the maintenance code reports each finished sweep to. */
    public GcMetrics gcMetrics() {
        return core.ops().gc();
    }

    public List<RunningCache> caches() {
        return caches;
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
        Vertx vertx = core.vertx();
        live.cluster().stopAnnouncing();
        try {
            long bound = BinaryCacheVerticle.SHUTDOWN_GRACE_SECONDS + 30;
            undeploy(vertx.deploymentIDs().stream().filter(id -> !clusterDeployments.contains(id)).toList(), bound);
            undeploy(List.copyOf(vertx.deploymentIDs()), 30);
            core.ops().sweepSpoolFiles();
            core.ops().close();
            caches.forEach(c -> {
                if (c.store() instanceof StorageGroupNarStore group) {
                    NarStores.close(group);
                }
            });
            core.closeStores();
        } catch (Exception e) {
            LOG.warn("shutdown was not clean: {}", e.toString());
        } finally {
            ServerCore.closeVertx(vertx);
        }
    }

    /** Undeploys {@code ids} together; one that fails or hangs is logged and does not stop the rest of the shutdown. */
    private void undeploy(List<String> ids, long boundSeconds) {
        List<Future<Void>> undeploys = new ArrayList<>();
        ids.forEach(id -> undeploys.add(core.vertx().undeploy(id)));
        try {
            Future.join(undeploys).await(boundSeconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("stopping a component was not clean: {}", e.toString());
        }
    }

    /** Waits for a step of the start (never on an event loop: the start runs on the caller's thread). */
    static <T> T await(Future<T> future) throws Exception {
        return future.await(5, TimeUnit.MINUTES);
    }
}
