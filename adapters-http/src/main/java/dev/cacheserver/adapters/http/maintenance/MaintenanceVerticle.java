package dev.cacheserver.adapters.http.maintenance;

import dev.cacheserver.application.narinfo.AccessTimes;
import dev.cacheserver.application.retention.GarbageCollector;
import dev.cacheserver.application.retention.GcReport;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic housekeeping: every {@code gcInterval} a sweep is published on the event bus
 * ({@link #SWEEP}) and run here, one cache after another; reads recorded in memory are written every
 * {@code flushInterval}. Only use cases are called; nothing blocks the event loop.
 */
public final class MaintenanceVerticle extends VerticleBase {
    /** Event-bus address: a message (any body) starts a sweep of every cache. */
    public static final String SWEEP = "cache-server.maintenance.sweep";
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceVerticle.class);

    private final List<GarbageCollector> collectors;
    private final List<AccessTimes> narInfos;
    private final Duration gcInterval;
    private final Duration flushInterval;
    private final Consumer<GcReport> reports;
    private MessageConsumer<Object> consumer;
    private boolean sweeping;

    public MaintenanceVerticle(List<GarbageCollector> collectors, List<AccessTimes> narInfos, Duration gcInterval,
                               Duration flushInterval, Consumer<GcReport> reports) {
        this.collectors = List.copyOf(collectors);
        this.narInfos = List.copyOf(narInfos);
        this.gcInterval = gcInterval;
        this.flushInterval = flushInterval;
        this.reports = reports;
    }

    @Override
    public Future<?> start() {
        consumer = vertx.eventBus().consumer(SWEEP, message -> sweepAll());
        vertx.setPeriodic(gcInterval.toMillis(), id -> vertx.eventBus().publish(SWEEP, null));
        vertx.setPeriodic(flushInterval.toMillis(), id -> flushAll());
        return consumer.completion();
    }

    @Override
    public Future<?> stop() {
        return flushAll();
    }

    private Future<Void> flushAll() {
        List<Future<Void>> flushes = new ArrayList<>();
        for (AccessTimes service : narInfos) {
            flushes.add(Future.fromCompletionStage(service.flush(), context)
                    .onFailure(e -> LOG.warn("recording access times failed: {}", e.toString())));
        }
        return Future.join(flushes).mapEmpty();
    }

    private void sweepAll() {
        if (sweeping) {
            LOG.info("a sweep is still running; this one is skipped");
            return;
        }
        sweeping = true;
        Future<Void> chain = Future.succeededFuture();
        for (GarbageCollector collector : collectors) {
            // Caches kept forever are swept too: their orphan NARs (uploads whose narinfo never came) are garbage.
            chain = chain.compose(v -> Future.fromCompletionStage(collector.collect(false), context)
                    .onSuccess(reports::accept)
                    .onFailure(e -> LOG.warn("sweep of cache {} failed: {}", collector.cache().name(), e.toString()))
                    .<Void>mapEmpty().recover(e -> Future.succeededFuture()));
        }
        chain.onComplete(done -> sweeping = false);
    }
}
