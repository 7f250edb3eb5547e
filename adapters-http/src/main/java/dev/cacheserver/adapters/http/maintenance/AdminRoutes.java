package dev.cacheserver.adapters.http.maintenance;

import dev.cacheserver.adapters.http.Credentials;
import dev.cacheserver.adapters.http.HttpErrors;
import dev.cacheserver.application.AccessPolicy;
import dev.cacheserver.application.retention.GarbageCollector;
import dev.cacheserver.application.retention.GcReport;
import dev.cacheserver.domain.error.NotFoundException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Consumer;

/**
 * Operator routes on {@code server-port}, admin token only: {@code POST /api/v1/admin/gc[?cache=NAME][&dry-run=true]}
 * sweeps now (what the {@code gc} command calls) and answers one report per cache: {@code removedPaths} lists what
 * went (or would go), {@code sizeEvictedPaths} those of them that went because the cache was over its {@code maxSize}
 * (the others were not accessed within the retention window).
 */
public final class AdminRoutes {
    private final List<GarbageCollector> collectors;
    private final AccessPolicy access;
    private final Consumer<GcReport> reports;

    public AdminRoutes(List<GarbageCollector> collectors, AccessPolicy access, Consumer<GcReport> reports) {
        this.collectors = List.copyOf(collectors);
        this.access = access;
        this.reports = reports;
    }

    public void mount(Router router) {
        router.post("/api/v1/admin/gc").handler(this::gc);
    }

    private void gc(RoutingContext ctx) {
        try {
            access.checkAdmin(Credentials.token(ctx.request().getHeader("Authorization")));
            String only = ctx.request().getParam("cache");
            boolean dryRun = "true".equals(ctx.request().getParam("dry-run"));
            List<GarbageCollector> chosen = collectors.stream()
                    .filter(c -> only == null || c.cache().name().value().equals(only)).toList();
            if (chosen.isEmpty()) {
                throw new NotFoundException("no cache named '" + only + "'");
            }
            JsonArray out = new JsonArray();
            Future<Void> chain = Future.succeededFuture();
            for (GarbageCollector collector : chosen) {
                chain = chain.compose(v -> Future.fromCompletionStage(collector.collect(dryRun), ctx.vertx().getOrCreateContext())
                        .onSuccess(report -> {
                            if (!dryRun) {
                                reports.accept(report);
                            }
                            out.add(json(report, collector));
                        }).mapEmpty());
            }
            chain.onSuccess(v -> ctx.response().putHeader("Content-Type", "application/json")
                            .end(new JsonObject().put("reports", out).encodePrettily()))
                    .onFailure(e -> fail(ctx, e));
        } catch (RuntimeException e) {
            fail(ctx, e);
        }
    }

    private static JsonObject json(GcReport report, GarbageCollector collector) {
        return new JsonObject()
                .put("cache", report.cache())
                .put("dryRun", report.dryRun())
                .put("retention", collector.policy().window().map(Object::toString).orElse("forever"))
                .put("paths", report.pathsBefore())
                .put("removedPathCount", report.removedPathCount())
                .put("removedPaths", new JsonArray(report.removedPaths().stream().map(Object::toString).toList()))
                .put("removedNars", report.removedNars())
                .put("removedNarBytes", report.removedNarBytes())
                .put("orphanNars", report.orphanNars())
                .put("orphanBytes", report.orphanBytes())
                .put("maxSize", report.maxSize() > 0 ? report.maxSize() : null)
                .put("storedBytes", report.storedBytesBefore() >= 0 ? report.storedBytesBefore() : null)
                .put("expiredPathCount", report.expiredCount())
                .put("sizeEvictedPathCount", report.sizeEvictedCount())
                .put("sizeEvictedPaths", new JsonArray(report.sizeEvictedPaths().stream().map(Object::toString).toList()))
                .put("durationMillis", report.durationMillis());
    }

    private static void fail(RoutingContext ctx, Throwable e) {
        HttpErrors.Answer answer = HttpErrors.answer(e);
        ctx.response().setStatusCode(answer.status()).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", answer.message()).encode());
    }
}
