package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.ShowClusterStatus;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/** {@code GET /api/v1/dht/status} on a cache port: the cluster view as JSON, for server admins only. */
final class ClusterStatusRoute {
    static final String PATH = "/api/v1/dht/status";
    private static final CharSequence JSON_TYPE = HttpHeaders.createOptimized("application/json");

    private final ShowClusterStatus clusterStatus;
    private final CacheResponses responses;

    ClusterStatusRoute(ShowClusterStatus clusterStatus, CacheResponses responses) {
        this.clusterStatus = clusterStatus;
        this.responses = responses;
    }

    void get(HttpServerRequest request) {
        responses.future(clusterStatus.status(CacheResponses.caller(request))).onComplete(status -> {
            if (status.failed()) {
                responses.fail(request, status.cause());
            } else {
                CacheResponses.send(request, 200, JSON_TYPE,
                        ClusterStatusJson.render(responses.cache().value(), status.result()).toBuffer());
            }
        });
    }
}
