package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.storage.StorageGroupNarStore;
import dev.cacheserver.application.port.in.ServeFromPeers;
import dev.cacheserver.domain.port.PeerDirectory.DirectoryStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The Prometheus registry and the meters that are read rather than counted: storage usage per storage (from
 * the storage group's in-memory counters, never from the storages), the DHT node and each cache's peer
 * fallback (from a snapshot of their status, refreshed right before each scrape), and the JVM. No gauge does
 * I/O when it is read.
 */
final class ServerMetrics implements AutoCloseable {
    /** A scrape never waits longer than this for the DHT status; it then shows the previous snapshot. */
    private static final long STATUS_WAIT_MILLIS = 1_000;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics jvmGc = new JvmGcMetrics();
    private final Map<String, ServeFromPeers> fallbacks = new ConcurrentHashMap<>();
    private final Map<String, ServeFromPeers.Stats> fallbackStats = new ConcurrentHashMap<>();
    private volatile DirectoryStatus directory;
    private final GcMetrics gc = new GcMetrics(registry);

    ServerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        jvmGc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        registerDirectory();
    }

    MeterRegistry registry() {
        return registry;
    }

    GcMetrics gc() {
        return gc;
    }

    /** Usage gauges for every storage of {@code cache}'s group. */
    void storages(String cache, StorageGroupNarStore group) {
        for (StorageGroupNarStore.Member member : group.members()) {
            String name = member.name();
            Tags tags = Tags.of("cache", cache, "storage", name, "type", member.type());
            storageGauge("cache_server.storage.bytes", "Bytes of NAR files held by the storage", tags, group, name,
                    StorageGroupNarStore.MemberUsage::bytes);
            storageGauge("cache_server.storage.objects", "NAR files held by the storage", tags, group, name,
                    StorageGroupNarStore.MemberUsage::files);
            storageGauge("cache_server.storage.full", "1 when the storage has reached its max-size or just ran out of space", tags, group, name,
                    u -> u.full() ? 1 : 0);
            storageGauge("cache_server.storage.failing", "1 while the storage is skipped after a failed write", tags,
                    group, name, u -> u.failing() ? 1 : 0);
        }
    }

    private void storageGauge(String metric, String description, Tags tags, StorageGroupNarStore group, String storage,
                              ToDoubleFunction<StorageGroupNarStore.MemberUsage> value) {
        Gauge.builder(metric, group, g -> {
            for (StorageGroupNarStore.MemberUsage usage : g.usageByStorage()) {
                if (usage.name().equals(storage)) {
                    return value.applyAsDouble(usage);
                }
            }
            return Double.NaN;
        }).description(description).tags(tags).register(registry);
    }

    /** Peer fallback counters of {@code cache} (misses asked of peers, served, rejected, failures). */
    void peerFallback(String cache, ServeFromPeers fallback) {
        fallbacks.put(cache, fallback);
        Tags tags = Tags.of("cache", cache);
        peerCounter("cache_server.peer.misses", "Local narinfo misses asked of cluster peers", tags, cache,
                ServeFromPeers.Stats::misses);
        peerCounter("cache_server.peer.served", "narinfos served from cluster peers (verified)", tags, cache,
                ServeFromPeers.Stats::servedFromPeers);
        peerCounter("cache_server.peer.negative.cache.hits", "Misses answered from the remembered 'nobody has it'",
                tags, cache, ServeFromPeers.Stats::negativeCacheHits);
        peerCounter("cache_server.peer.rejected", "Peer narinfos dropped (bad or untrusted signature, malformed)",
                tags, cache, ServeFromPeers.Stats::rejected);
        peerCounter("cache_server.peer.failures", "Failed DHT lookups and unreachable peers", tags, cache,
                ServeFromPeers.Stats::peerFailures);
        peerCounter("cache_server.peer.pulled.through", "Peer NARs kept in this cache (dht-pull-through)", tags, cache,
                ServeFromPeers.Stats::pulledThrough);
    }

    private void peerCounter(String metric, String description, Tags tags, String cache,
                             ToDoubleFunction<ServeFromPeers.Stats> value) {
        FunctionCounter.builder(metric, fallbackStats, stats -> {
            ServeFromPeers.Stats s = stats.get(cache);
            return s == null ? 0 : value.applyAsDouble(s);
        }).description(description).tags(tags).register(registry);
    }

    private void registerDirectory() {
        directoryCounter("cache_server.dht.lookups", "DHT lookups made", DirectoryStatus::lookups);
        directoryCounter("cache_server.dht.lookups.found", "DHT lookups that found a provider", DirectoryStatus::lookupsFound);
        directoryCounter("cache_server.dht.lookup.timeouts", "DHT lookups that timed out", DirectoryStatus::lookupTimeouts);
        directoryCounter("cache_server.dht.failures", "DHT operations that failed", DirectoryStatus::failures);
        directoryCounter("cache_server.dht.withdrawn", "Paths withdrawn from the DHT", DirectoryStatus::withdrawn);
        directoryGauge("cache_server.dht.announced", "Paths announced to the DHT", DirectoryStatus::announced);
        directoryGauge("cache_server.dht.pending.announcements", "Announcements waiting to be sent",
                DirectoryStatus::pendingAnnouncements);
        directoryGauge("cache_server.dht.reachable.peers", "DHT nodes this node can reach", DirectoryStatus::reachablePeers);
        directoryGauge("cache_server.dht.cluster.mode", "1 when the DHT node runs, 0 in standalone mode",
                d -> "cluster".equals(d.mode()) ? 1 : 0);
    }

    private void directoryCounter(String metric, String description, ToDoubleFunction<DirectoryStatus> value) {
        FunctionCounter.builder(metric, this, m -> m.directory == null ? 0 : value.applyAsDouble(m.directory))
                .description(description).register(registry);
    }

    private void directoryGauge(String metric, String description, ToDoubleFunction<DirectoryStatus> value) {
        Gauge.builder(metric, this, m -> m.directory == null ? 0 : value.applyAsDouble(m.directory))
                .description(description).register(registry);
    }

    /** Refreshes the DHT and peer snapshots (bounded), then renders every meter. */
    CompletionStage<String> scrape() {
        List<CompletableFuture<Void>> refreshes = new ArrayList<>();
        fallbacks.forEach((cache, fallback) -> refreshes.add(fallback.status().toCompletableFuture()
                .thenAccept(status -> {
                    fallbackStats.put(cache, status.fallback());
                    directory = status.directory();
                })));
        return CompletableFuture.allOf(refreshes.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, STATUS_WAIT_MILLIS, TimeUnit.MILLISECONDS)
                // A failed status leaves the previous snapshot: the scrape itself still answers.
                .handle((v, e) -> registry.scrape());
    }

    @Override
    public void close() {
        jvmGc.close();
        registry.close();
    }
}
