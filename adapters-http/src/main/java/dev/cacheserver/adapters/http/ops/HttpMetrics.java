package dev.cacheserver.adapters.http.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The HTTP meters of one {@code cache} label, registered up front (or once, on first use, for the rare
 * status codes) and held in arrays, so the hot path does no registry lookup: a request costs one timer
 * record and two counter increments.
 */
public final class HttpMetrics {
    static final String REQUESTS = "cache_server.http.requests";
    static final String SENT = "cache_server.http.sent.bytes";
    static final String RECEIVED = "cache_server.http.received.bytes";
    static final String NARINFO = "cache_server.narinfo.lookups";
    static final String ACCEPTED = "cache_server.uploads.accepted";
    static final String REJECTED = "cache_server.uploads.rejected";
    /** Latency buckets from a narinfo hit (well under 1 ms) to a large NAR upload. */
    private static final Duration[] BUCKETS = {
        Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60),
        Duration.ofSeconds(300)};
    /** Index 0: aborted (the connection closed before the answer ended); then 100..599. */
    private static final int STATUSES = 501;
    private static final HttpRoute[] ROUTES = HttpRoute.values();

    private final MeterRegistry registry;
    private final String cache;
    private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(ROUTES.length * STATUSES);
    private final AtomicReferenceArray<Counter> sent = new AtomicReferenceArray<>(ROUTES.length);
    private final AtomicReferenceArray<Counter> received = new AtomicReferenceArray<>(ROUTES.length);
    private final Counter localHits;
    private final Counter peerHits;
    private final Counter localMisses;
    private final Counter peerMisses;
    private final Map<String, Counter> uploads = new ConcurrentHashMap<>();

    /**
     * {@code cache} is a cache's name, or {@code -} for server-port requests that name none; only a cache's
     * usual series are created up front (so a dashboard sees zeros rather than missing series).
     */
    HttpMetrics(MeterRegistry registry, String cache, boolean registerUsual) {
        this.registry = registry;
        this.cache = cache;
        // narinfo lookups happen on cache ports only, where the cache label is a cache's name.
        localHits = registerUsual ? narInfo("hit", "local") : null;
        peerHits = registerUsual ? narInfo("hit", "peer") : null;
        localMisses = registerUsual ? narInfo("miss", "local") : null;
        peerMisses = registerUsual ? narInfo("miss", "peer") : null;
        if (registerUsual) {
            for (HttpRoute route : new HttpRoute[] {HttpRoute.NARINFO, HttpRoute.NAR, HttpRoute.UPLOAD_NAR,
                HttpRoute.UPLOAD_NARINFO, HttpRoute.UPLOAD_PART}) {
                bytes(sent, SENT, route);
                bytes(received, RECEIVED, route);
            }
            for (UploadKind kind : UploadKind.values()) {
                upload(ACCEPTED, kind, null);
            }
            timer(HttpRoute.NARINFO, 200);
            timer(HttpRoute.NARINFO, 404);
            timer(HttpRoute.NAR, 200);
            timer(HttpRoute.NIX_CACHE_INFO, 200);
        }
    }

    private Counter bytes(AtomicReferenceArray<Counter> counters, String name, HttpRoute route) {
        Counter counter = counters.get(route.ordinal());
        if (counter == null) {
            counter = Counter.builder(name)
                    .description(SENT.equals(name) ? "Bytes of HTTP response bodies sent" : "Bytes of HTTP request bodies received")
                    .tags("cache", cache, "route", route.label()).register(registry);
            counters.set(route.ordinal(), counter);
        }
        return counter;
    }

    private Counter upload(String name, UploadKind kind, String reason) {
        return uploads.computeIfAbsent(name + '\0' + kind.label() + '\0' + reason, k -> {
            Counter.Builder builder = Counter.builder(name).tags("cache", cache, "kind", kind.label());
            if (reason == null) {
                builder.description("Uploads verified and published");
            } else {
                builder.description("Uploads refused, by reason").tag("reason", reason);
            }
            return builder.register(registry);
        });
    }

    private Counter narInfo(String result, String source) {
        return Counter.builder(NARINFO)
                .description("narinfo lookups: hit or miss in this cache's index (local), then of the peer fallback (peer)")
                .tags("cache", cache, "result", result, "source", source).register(registry);
    }

    void request(HttpRoute route, int status, long nanos, long bytesSent, long bytesReceived) {
        timer(route, status).record(nanos, TimeUnit.NANOSECONDS);
        if (bytesSent > 0) {
            bytes(sent, SENT, route).increment(bytesSent);
        }
        if (bytesReceived > 0) {
            bytes(received, RECEIVED, route).increment(bytesReceived);
        }
    }

    private Timer timer(HttpRoute route, int status) {
        int statusIndex = status >= 100 && status <= 599 ? status - 99 : 0;
        int index = route.ordinal() * STATUSES + statusIndex;
        Timer timer = timers.get(index);
        if (timer == null) {
            // Registration is idempotent: a race registers once and both threads get the same timer.
            timer = Timer.builder(REQUESTS).description("HTTP requests by cache, route and status, with latency")
                    .tags("cache", cache, "route", route.label(),
                            "status", statusIndex == 0 ? "aborted" : Integer.toString(status))
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry);
            timers.set(index, timer);
        }
        return timer;
    }

    /** A narinfo found in this cache's own index. */
    void narInfoLocalHit() {
        if (localHits != null) {
            localHits.increment();
        }
    }

    /** A narinfo not in this cache's own index (peers may still have it). */
    void narInfoLocalMiss() {
        if (localMisses != null) {
            localMisses.increment();
        }
    }

    /** After a local miss, a cluster peer had the narinfo (verified). */
    void narInfoPeerHit() {
        if (peerHits != null) {
            peerHits.increment();
        }
    }

    /** After a local miss, the peer fallback found nothing. */
    void narInfoPeerMiss() {
        if (peerMisses != null) {
            peerMisses.increment();
        }
    }

    void uploadAccepted(UploadKind kind) {
        upload(ACCEPTED, kind, null).increment();
    }

    void uploadRejected(UploadKind kind, String reason) {
        upload(REJECTED, kind, reason).increment();
    }
}
