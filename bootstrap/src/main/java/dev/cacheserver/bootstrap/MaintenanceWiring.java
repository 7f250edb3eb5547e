package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.http.maintenance.AdminRoutes;
import dev.cacheserver.adapters.http.maintenance.PathAdminRoutes;
import dev.cacheserver.adapters.persistence.MetadataDatabase;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.PinRepository;
import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.narinfo.AccessTimes;
import dev.cacheserver.application.admin.Administration;
import dev.cacheserver.application.port.in.GcReport;
import dev.cacheserver.application.retention.GarbageCollector;
import dev.cacheserver.application.retention.Retention;
import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.domain.retention.RetentionPolicy;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention wiring: one garbage collector per cache (its {@code retention}, pins, orphan NARs older than an
 * hour), the maintenance verticle that sweeps every {@code gc-interval} and records reads every minute, and
 * the admin routes behind the {@code gc} and {@code path} commands.
 */
final class MaintenanceWiring {
    static final Duration ORPHAN_AGE = Duration.ofHours(1);
    static final Duration FLUSH_INTERVAL = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceWiring.class);

    private final AdminRoutes routes;
    private final PathAdminRoutes pathRoutes;
    private final List<Consumer<GcReport>> listeners;
    private final Map<String, GarbageCollector> collectors;

    private MaintenanceWiring(AdminRoutes routes, PathAdminRoutes pathRoutes, List<Consumer<GcReport>> listeners,
                        Map<String, GarbageCollector> collectors) {
        this.routes = routes;
        this.pathRoutes = pathRoutes;
        this.listeners = listeners;
        this.collectors = Map.copyOf(collectors);
    }

    static MaintenanceWiring start(Vertx vertx, AppConfig config, MetadataDatabase database,
                             List<CacheServer.RunningCache> caches, AccessPolicy access) throws Exception {
        Clock clock = Clock.systemUTC();
        NarInfoRepository repository = database.narInfos();
        PinRepository pins = database.pins();
        List<GarbageCollector> collectors = new ArrayList<>();
        Map<String, GarbageCollector> byCache = new HashMap<>();
        List<AccessTimes> narInfos = new ArrayList<>();
        List<Administration.CacheParts> administration = new ArrayList<>();
        for (CacheServer.RunningCache cache : caches) {
            RetentionPolicy policy = new RetentionPolicy(cache.settings().retention());
            GarbageCollector collector = Retention.collector(cache.profile(), cache.narInfos().accessTimes(),
                    cache.narInfos().removal(), repository, cache.store(), pins, policy, ORPHAN_AGE, clock);
            collector.limitSize(cache.settings().maxSize());
            collector.shareWith(database.exclusiveRuns());
            collectors.add(collector);
            administration.add(new Administration.CacheParts(cache.profile(), repository, cache.narInfos().removal(),
                    cache.store(), pins));
            byCache.put(cache.settings().name(), collector);
            narInfos.add(cache.narInfos().accessTimes());
        }
        List<Consumer<GcReport>> listeners = new CopyOnWriteArrayList<>();
        listeners.add(MaintenanceWiring::log);
        Consumer<GcReport> reports = report -> listeners.forEach(l -> l.accept(report));
        CacheServer.await(vertx.deployVerticle(new MaintenanceVerticle(collectors, narInfos,
                config.server().gcInterval(), FLUSH_INTERVAL, reports)));
        return new MaintenanceWiring(new AdminRoutes(Retention.collectGarbage(collectors, access, reports)),
                new PathAdminRoutes(Administration.manageStorePaths(administration, access)), listeners, byCache);
    }

    /** Each running cache's collector, by cache name (a reload changes their retention). */
    Map<String, GarbageCollector> collectors() {
        return collectors;
    }

    AdminRoutes routes() {
        return routes;
    }

    /** The {@code path list/info/delete} admin API. */
    PathAdminRoutes pathRoutes() {
        return pathRoutes;
    }

    /** Also tells {@code listener} about every sweep (e.g. metrics). */
    void onReport(Consumer<GcReport> listener) {
        listeners.add(listener);
    }

    private static void log(GcReport report) {
        LOG.info("gc {}: {} of {} paths expired, {} evicted for size, {} NARs ({} bytes) and {} orphan NARs ({} bytes)"
                        + " deleted in {} ms", report.cache(), report.expiredCount(), report.pathsBefore(),
                report.sizeEvictedCount(), report.removedNars(), report.removedNarBytes(), report.orphanNars(),
                report.orphanBytes(), report.durationMillis());
    }
}
