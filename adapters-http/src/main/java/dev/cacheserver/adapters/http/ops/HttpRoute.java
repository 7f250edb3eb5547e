package dev.cacheserver.adapters.http.ops;

import dev.cacheserver.adapters.http.PartUploadUrls;
import dev.cacheserver.domain.model.StorePathHash;
import io.vertx.core.http.HttpMethod;

/**
 * The {@code route} label of request metrics and access log lines: a small fixed set, so a client cannot
 * grow the number of series by inventing paths.
 */
public enum HttpRoute {
    NIX_CACHE_INFO("nix-cache-info"),
    NARINFO("narinfo"),
    NAR("nar"),
    UPLOAD_NARINFO("upload-narinfo"),
    UPLOAD_NAR("upload-nar"),
    UPLOAD_PART("upload-part"),
    API("api"),
    DEPLOY("deploy"),
    HEALTH("health"),
    READY("ready"),
    METRICS("metrics"),
    OTHER("other");

    private static final int NARINFO_PATH_LENGTH = 1 + StorePathHash.LENGTH + ".narinfo".length();

    private final String label;

    HttpRoute(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    boolean isUpload() {
        return this == UPLOAD_NAR || this == UPLOAD_NARINFO;
    }

    /** A request on a cache's own port (the Nix binary-cache protocol). */
    static HttpRoute ofCachePort(HttpMethod method, String path) {
        boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
        if (path.length() == NARINFO_PATH_LENGTH && path.endsWith(".narinfo")) {
            return read ? NARINFO : method == HttpMethod.PUT ? UPLOAD_NARINFO : OTHER;
        }
        if (path.startsWith("/nar/")) {
            return read ? NAR : method == HttpMethod.PUT ? UPLOAD_NAR : OTHER;
        }
        if (path.startsWith(PartUploadUrls.PATH_PREFIX)) {
            return UPLOAD_PART;
        }
        return common(path);
    }

    /** A request on {@code server-port} (Cachix API, deploy API, operations). */
    static HttpRoute ofApiPort(String path) {
        if (path.startsWith("/api/v1/deploy") || path.startsWith("/api/v2/deploy")) {
            return DEPLOY;
        }
        if (path.startsWith("/api/")) {
            return API;
        }
        return common(path);
    }

    private static HttpRoute common(String path) {
        switch (path) {
            case "/nix-cache-info":
                return NIX_CACHE_INFO;
            case HealthEndpoints.HEALTH:
                return HEALTH;
            case HealthEndpoints.READY:
                return READY;
            case "/metrics":
                return METRICS;
            default:
                return path.startsWith("/api/") ? API : OTHER;
        }
    }
}
