package dev.cacheserver.adapters.http.deploy;

import dev.cacheserver.adapters.http.ErrorResponse;
import dev.cacheserver.adapters.http.Credentials;
import dev.cacheserver.adapters.http.UnreadBody;
import dev.cacheserver.application.port.in.ActivateDeployment;
import dev.cacheserver.application.port.in.ActivateDeployment.ActivateDeploymentCommand;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.WatchDeployment;
import dev.cacheserver.application.port.in.WatchDeployment.DeploymentCommand;
import dev.cacheserver.domain.deploy.Deployment;
import dev.cacheserver.domain.error.NotFoundException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * The Cachix Deploy REST calls: {@code POST /api/v2/deploy/activate} (and the v1 form, whose response maps each
 * agent to its URL only) and {@code GET /api/v1/deploy/deployment/{id}}, the status document the activate client
 * polls. Both need a workspace token (or an admin token). {@link #mount} adds them to any router, so the
 * Cachix API verticle on {@code server-port} can serve them too.
 */
public final class DeployRoutes {
    private static final ErrorResponse ERRORS = ErrorResponse.json(5, null);
    static final long MAX_BODY_BYTES = 1 << 20;
    static final String STATUS_PATH = "/api/v1/deploy/deployment/";
    private final ActivateDeployment activations;
    private final WatchDeployment watch;

    public DeployRoutes(ActivateDeployment activations, WatchDeployment watch) {
        this.activations = activations;
        this.watch = watch;
    }

    public void mount(Router router) {
        // Two routes each: Vert.x Web puts a body handler first within one route.
        router.post("/api/v2/deploy/activate").handler(this::authorizeBeforeBody);
        router.post("/api/v2/deploy/activate").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(ctx -> activate(ctx, true));
        router.post("/api/v1/deploy/activate").handler(this::authorizeBeforeBody);
        router.post("/api/v1/deploy/activate").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(ctx -> activate(ctx, false));
        router.get(STATUS_PATH + ":id").handler(this::status);
    }

    /** A missing or bad workspace token is refused before the body is read. */
    private void authorizeBeforeBody(RoutingContext ctx) {
        try {
            activations.authorize(caller(ctx));
        } catch (RuntimeException e) {
            UnreadBody.closeAfterAnswer(ctx.request());
            fail(ctx.request(), e);
            return;
        }
        ctx.next();
    }

    private void activate(RoutingContext ctx, boolean v2) {
        try {
            String body = ctx.body().asString();
            ActivateDeploymentCommand command = new ActivateDeploymentCommand(caller(ctx),
                    DeployJson.activateRequest(body == null ? "" : body));
            reply(ctx, activations.activate(command), created -> {
                JsonObject agents = new JsonObject();
                for (Map.Entry<String, Deployment> e : created.entrySet()) {
                    String url = statusUrl(ctx, e.getValue().id());
                    agents.put(e.getKey(), v2 ? new JsonObject().put("id", e.getValue().id().toString()).put("url", url)
                            : url);
                }
                return new JsonObject().put("agents", agents);
            });
        } catch (RuntimeException e) {
            fail(ctx.request(), e);
        }
    }

    private void status(RoutingContext ctx) {
        try {
            reply(ctx, watch.status(new DeploymentCommand(caller(ctx), ctx.pathParam("id"))), DeployJson::status);
        } catch (RuntimeException e) {
            fail(ctx.request(), e);
        }
    }

    static UUID deploymentId(String text) {
        try {
            return UUID.fromString(text);
        } catch (RuntimeException e) {
            throw new NotFoundException("no deployment " + text);
        }
    }

    private static <T> void reply(RoutingContext ctx, CompletionStage<T> result,
                                  java.util.function.Function<T, JsonObject> render) {
        Context context = Vertx.currentContext();
        result.whenComplete((value, failure) -> context.runOnContext(v -> {
            if (failure != null) {
                fail(ctx.request(), failure);
            } else {
                ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                        .end(render.apply(value).encode());
            }
        }));
    }

    /** The error answer of the deploy port: JSON {@code {"error": ...}}, Retry-After 5 on retryable failures. */
    static void fail(HttpServerRequest request, Throwable failure) {
        if (request.response().ended() || request.response().closed()) {
            return;
        }
        ERRORS.write(request, failure);
    }

    private static Caller caller(RoutingContext ctx) {
        return new Caller(Credentials.token(ctx.request().getHeader("Authorization")));
    }

    /** Where the status document is, as seen by the client (only printed by it). */
    private static String statusUrl(RoutingContext ctx, UUID id) {
        String base;
        try {
            URI uri = URI.create(ctx.request().absoluteURI());
            base = uri.getScheme() + "://" + uri.getRawAuthority();
        } catch (RuntimeException e) {
            base = "";
        }
        return base + STATUS_PATH + id;
    }
}
