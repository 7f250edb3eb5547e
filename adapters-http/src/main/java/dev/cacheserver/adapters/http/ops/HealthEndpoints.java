package dev.cacheserver.adapters.http.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * {@code /health} (liveness: 200 {@code {"status":"UP"}} whenever the process answers) and {@code /ready}
 * (readiness: 200 when every dependency is ready, else 503 naming what is not). Public, no token: load
 * balancers and orchestrators call them. Served on server-port and on every cache's port.
 */
public final class HealthEndpoints {
    public static final String HEALTH = "/health";
    public static final String READY = "/ready";
    private static final Buffer UP = new JsonObject().put("status", "UP").toBuffer();
    private static final String JSON = "application/json";

    private HealthEndpoints() {
    }

    /** True when {@code path} is one of ours. */
    public static boolean handles(String path) {
        return path.equals(HEALTH) || path.equals(READY);
    }

    /** Answers {@code request} (whose path {@link #handles}); runs on the request's event loop. */
    public static void serve(HttpServerRequest request, ReadinessProbe probe) {
        HttpMethod method = request.method();
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            request.response().setStatusCode(405).putHeader(HttpHeaders.ALLOW, "GET, HEAD")
                    .putHeader(HttpHeaders.CONTENT_LENGTH, "0").end();
            return;
        }
        if (request.path().equals(HEALTH)) {
            send(request, 200, UP);
            return;
        }
        Future.fromCompletionStage(probe.check(), Vertx.currentContext()).onComplete(result -> {
            if (result.succeeded()) {
                ReadinessReport report = result.result();
                send(request, report.ready() ? 200 : 503, report.json().toBuffer());
            } else {
                send(request, 503, new JsonObject().put("status", "DOWN")
                        .put("checks", new JsonObject()).toBuffer());
            }
        });
    }

    private static void send(HttpServerRequest request, int status, Buffer body) {
        HttpServerResponse response = request.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()));
        if (request.method() == HttpMethod.HEAD) {
            response.end();
        } else {
            response.end(body);
        }
    }
}
