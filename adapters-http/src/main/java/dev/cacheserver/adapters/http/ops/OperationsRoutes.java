package dev.cacheserver.adapters.http.ops;

import dev.cacheserver.adapters.http.Credentials;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.CheckAdminAccess;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * The operations routes of server-port: {@code /health}, {@code /ready} and {@code /metrics} (admin token,
 * public or absent, per {@code server.metrics-access}), plus the request observer in front of every route.
 * Failures (401/403) go on to the API's failure handler, so they answer like every other API error.
 */
public final class OperationsRoutes {
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** Before every other route: the observer must see each request first. */
    private static final int FIRST = -1_000;

    private final HttpOperations operations;
    private final MetricsAccess access;
    private final MetricsScrape scrape;
    private final CheckAdminAccess policy;
    private final Set<String> caches;

    public OperationsRoutes(HttpOperations operations, MetricsAccess access, MetricsScrape scrape, CheckAdminAccess policy,
                            Set<String> caches) {
        this.operations = operations;
        this.access = access;
        this.scrape = scrape;
        this.policy = policy;
        this.caches = Set.copyOf(caches);
    }

    /** Adds the routes to one router (one per verticle instance). */
    public void mount(Router router) {
        RequestObserver observer = operations.apiPort(caches);
        if (observer != null) {
            router.route().order(FIRST).handler(ctx -> {
                observer.observe(ctx);
                ctx.next();
            });
            router.route().order(FIRST).failureHandler(ctx -> {
                observer.failed(ctx);
                ctx.next();
            });
        }
        router.route(HealthEndpoints.HEALTH).order(FIRST + 1)
                .handler(ctx -> HealthEndpoints.serve(ctx.request(), operations.readiness()));
        router.route(HealthEndpoints.READY).order(FIRST + 1)
                .handler(ctx -> HealthEndpoints.serve(ctx.request(), operations.readiness()));
        if (access != MetricsAccess.OFF) {
            router.get("/metrics").order(FIRST + 1).handler(this::metrics);
        }
    }

    private void metrics(RoutingContext ctx) {
        if (access == MetricsAccess.ADMIN) {
            policy.requireAdmin(new Caller(Credentials.token(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))));
        }
        Future.fromCompletionStage(scrape.scrape(), ctx.vertx().getOrCreateContext()).onComplete(result -> {
            if (result.failed()) {
                ctx.fail(result.cause());
            } else {
                ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT)
                        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(result.result());
            }
        });
    }
}
