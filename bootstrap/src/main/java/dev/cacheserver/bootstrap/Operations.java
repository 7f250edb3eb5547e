package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.http.PeerFallback;
import dev.cacheserver.adapters.http.ops.AccessLog;
import dev.cacheserver.adapters.http.ops.HttpOperations;
import dev.cacheserver.adapters.http.ops.MetricsAccess;
import dev.cacheserver.adapters.http.ops.OperationsRoutes;
import dev.cacheserver.adapters.persistence.MetadataDatabase;
import dev.cacheserver.adapters.storage.LocalNarStore;
import dev.cacheserver.adapters.storage.StorageGroupNarStore;
import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.ServerSettings;
import dev.cacheserver.domain.port.NarStore;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operations wiring: the metrics registry ({@code server.metrics-access}), the access log
 * ({@code server.request-log}), readiness checks, GC metrics, and the spool sweep at shutdown.
 */
final class Operations implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Operations.class);

    private final MetricsAccess access;
    private final ServerMetrics metrics;
    private final ReadinessChecks readiness;
    private final HttpOperations http;
    private final List<Path> spoolDirectories = new ArrayList<>();

    private Operations(MetricsAccess access, ServerMetrics metrics, ReadinessChecks readiness, HttpOperations http) {
        this.access = access;
        this.metrics = metrics;
        this.readiness = readiness;
        this.http = http;
    }

    static Operations create(Vertx vertx, AppConfig config, MetadataDatabase database) {
        MetricsAccess access = MetricsAccess.valueOf(config.server().metricsAccess().name());
        ServerMetrics metrics = access == MetricsAccess.OFF ? null : new ServerMetrics();
        AccessLog log = AccessLog.at(AccessLog.Level.valueOf(config.server().requestLog().name()));
        if (config.server().requestLog() != ServerSettings.RequestLog.OFF && !log.enabled()) {
            LOG.warn("request-log: {} writes nothing: the logger {} is not enabled at that level (set "
                    + "CACHE_SERVER_LOG_LEVEL=DEBUG, or use request-log: info)",
                    config.server().requestLog().name().toLowerCase(), AccessLog.LOGGER);
        }
        ReadinessChecks readiness = new ReadinessChecks(vertx, database);
        return new Operations(access, metrics, readiness,
                new HttpOperations(metrics == null ? null : metrics.registry(), log, readiness));
    }

    HttpOperations http() {
        return http;
    }

    /** What the maintenance code reports each sweep to. */
    GcMetrics gc() {
        return metrics == null ? GcMetrics.NONE : metrics.gc();
    }

    /** Watches one started cache: storage gauges and readiness, peer counters, spool directories. */
    void cache(String name, NarStore store, PeerFallback peers, Path dataDir) {
        if (store instanceof StorageGroupNarStore group) {
            readiness.storages(name, group);
            for (StorageGroupNarStore.Member member : group.members()) {
                member.localRoot().ifPresent(root -> spoolDirectories.add(root.resolve(LocalNarStore.SPOOL_DIRECTORY)));
                if (member.localRoot().isEmpty()) {
                    spoolDirectories.add(dataDir.resolve("spool").resolve(name).resolve(member.name()));
                }
            }
            if (metrics != null) {
                metrics.storages(name, group);
            }
        }
        if (metrics != null) {
            if (peers != null) {
                metrics.peerFallback(name, peers.useCase());
            }
            metrics.gc().register(name);
        }
    }

    /**
     * Counters of {@code cache}'s upstream caches listed in {@code initial}, read from {@code upstreams} (counters
     * already registered are kept: a reload registers only new upstreams).
     */
    void upstreams(String cache, dev.cacheserver.application.port.in.ServeFromUpstreams upstreams,
                   List<dev.cacheserver.application.port.in.ServeFromUpstreams.UpstreamStats> initial) {
        if (metrics != null) {
            UpstreamMetrics.register(metrics.registry(), cache, upstreams, initial);
        }
    }

    /** The {@code /health}, {@code /ready} and {@code /metrics} routes of server-port. */
    OperationsRoutes routes(AccessPolicy policy, List<CacheServer.RunningCache> caches) {
        Set<String> names = caches.stream().map(c -> c.settings().name()).collect(Collectors.toSet());
        return new OperationsRoutes(http, access, metrics == null ? null : metrics::scrape, policy, names);
    }

    /**
     * Deletes what uploads left in the spool directories. Called once no port accepts requests any more: an
     * upload cut off by the shutdown may not have finished deleting its own spool file.
     */
    void sweepSpoolFiles() {
        int removed = 0;
        for (Path dir : spoolDirectories) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    if (Files.isRegularFile(file) && Files.deleteIfExists(file)) {
                        removed++;
                    }
                }
            } catch (IOException e) {
                LOG.warn("cannot clean spool directory {}: {}", dir, e.toString());
            }
        }
        if (removed > 0) {
            LOG.info("deleted {} spool file(s) of uploads cut off by the shutdown", removed);
        }
    }

    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
        }
    }
}
