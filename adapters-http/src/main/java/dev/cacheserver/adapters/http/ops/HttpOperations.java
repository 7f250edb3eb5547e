package dev.cacheserver.adapters.http.ops;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every HTTP port shares for operations: the meter registry (absent when {@code metrics-access: off}),
 * the access log and the readiness probe. Meters are created once per cache label and shared by every
 * verticle instance and port.
 */
public final class HttpOperations {
    /** No metrics, no access log, always ready: for tests and tools that start a port on their own. */
    public static final HttpOperations NONE = new HttpOperations(null, AccessLog.OFF, ReadinessProbe.ALWAYS);
    private static final String NO_CACHE = "-";

    private final MeterRegistry registry;
    private final AccessLog accessLog;
    private final ReadinessProbe readiness;
    private final Map<String, HttpMetrics> metrics = new ConcurrentHashMap<>();

    /** {@code registry} null: no request metrics are recorded. */
    public HttpOperations(MeterRegistry registry, AccessLog accessLog, ReadinessProbe readiness) {
        this.registry = registry;
        this.accessLog = accessLog;
        this.readiness = readiness;
    }

    public ReadinessProbe readiness() {
        return readiness;
    }

    /** The observer of a cache's port, or null when neither metrics nor the access log are on. */
    public RequestObserver cachePort(String cache) {
        if (registry == null && !accessLog.enabled()) {
            return null;
        }
        return new RequestObserver(false, cache, metricsOf(cache), null, accessLog);
    }

    /** The observer of server-port, labelling requests with the cache their path names, or null. */
    public RequestObserver apiPort(Set<String> caches) {
        if (registry == null && !accessLog.enabled()) {
            return null;
        }
        Map<String, HttpMetrics> byCache = null;
        if (registry != null) {
            byCache = new HashMap<>();
            for (String cache : caches) {
                byCache.put(cache, metricsOf(cache));
            }
            byCache.put(NO_CACHE, metricsOf(NO_CACHE));
        }
        return new RequestObserver(true, null, null, byCache, accessLog);
    }

    private HttpMetrics metricsOf(String cache) {
        return registry == null ? null
                : metrics.computeIfAbsent(cache, c -> new HttpMetrics(registry, c, !c.equals(NO_CACHE)));
    }
}
