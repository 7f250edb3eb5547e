package dev.cacheserver.adapters.http.maintenance;

import dev.cacheserver.adapters.http.Credentials;
import dev.cacheserver.adapters.http.HttpErrors;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.CollectGarbage;
import dev.cacheserver.application.port.in.GcReport;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Operator routes on {@code server-port}, admin token only: {@code POST /api/v1/admin/gc[?cache=NAME][&dry-run=true]}
 * sweeps now (what the {@code gc} command calls) and answers one report per cache: {@code removedPaths} lists what
 * went (or would go), {@code sizeEvictedPaths} those of them that went because the cache was over its {@code maxSize}
 * (the others were not accessed within the retention window). Who may sweep is decided by the use case.
 */
public final class AdminRoutes {
    private final CollectGarbage collectGarbage;

    public AdminRoutes(CollectGarbage collectGarbage) {
        this.collectGarbage = collectGarbage;
    }

    public void mount(Router router) {
        router.post("/api/v1/admin/gc").handler(this::gc);
    }

    private void gc(RoutingContext ctx) {
        try {
            Caller caller = Caller.withToken(Credentials.token(ctx.request().getHeader("Authorization")).orElse(null));
            CollectGarbage.Command command = new CollectGarbage.Command(caller,
                    Optional.ofNullable(ctx.request().getParam("cache")),
                    "true".equals(ctx.request().getParam("dry-run")));
            Future.fromCompletionStage(collectGarbage.collect(command), ctx.vertx().getOrCreateContext())
                    .onSuccess(reports -> {
                        JsonArray out = new JsonArray();
                        reports.forEach(report -> out.add(json(report)));
                        ctx.response().putHeader("Content-Type", "application/json")
                                .end(new JsonObject().put("reports", out).encodePrettily());
                    })
                    .onFailure(e -> PathAdminRoutes.fail(ctx, e));
        } catch (RuntimeException e) {
            PathAdminRoutes.fail(ctx, e);
        }
    }

    static JsonObject json(GcReport report) {
        return new JsonObject()
                .put("cache", report.cache())
                .put("dryRun", report.dryRun())
                .put("retention", report.retention().map(Object::toString).orElse("forever"))
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
}
