package dev.cacheserver.adapters.dht;

import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.PeerDirectory.Provider;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the providers of a path: one get bounded by the lookup timeout (answering with whatever arrived by
 * then), retried once when it comes back empty early, since right after a small network forms the first get can
 * miss (spec G11). Paths this node withdrew are not offered. Confined to the DHT verticle's context.
 */
final class DhtLookups {
    private static final long RETRY_MILLIS = 100;

    private final Vertx vertx;
    private final Context context;
    private final DhtNode node;
    private final Duration timeout;
    private final AnnounceQueue announcements;
    private long lookups;
    private long found;
    private long timeouts;
    private long failures;

    DhtLookups(Vertx vertx, Context context, DhtNode node, Duration timeout, AnnounceQueue announcements) {
        this.vertx = vertx;
        this.context = context;
        this.node = node;
        this.timeout = timeout;
        this.announcements = announcements;
    }

    /** The distinct providers of {@code hash} found in time; a failed get counts and answers none. */
    Future<List<Provider>> find(StorePathHash hash) {
        lookups++;
        long deadline = System.nanoTime() + timeout.toNanos();
        return lookup(DhtRecords.key(hash), deadline, false).transform(result -> {
            List<Provider> providers = new ArrayList<>();
            if (result.succeeded()) {
                Set<Provider> unique = new LinkedHashSet<>();
                for (DhtNode.Found value : result.result()) {
                    DhtRecords.decode(value.data())
                            .filter(provider -> !announcements.isWithdrawn(hash, provider))
                            .ifPresent(unique::add);
                }
                providers.addAll(unique);
            } else {
                failures++;
            }
            if (!providers.isEmpty()) {
                found++;
            }
            return Future.succeededFuture(providers);
        });
    }

    private Future<List<DhtNode.Found>> lookup(byte[] key, long deadline, boolean retried) {
        DhtNode.Lookup running = node.get(key);
        long remainingMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        boolean[] timedOut = {false};
        long timer = vertx.setTimer(remainingMillis, t -> {
            timedOut[0] = true;
            timeouts++;
            running.finish();
        });
        return Future.fromCompletionStage(running.result(), context).compose(values -> {
            vertx.cancelTimer(timer);
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (values.isEmpty() && !retried && !timedOut[0] && left > 2 * RETRY_MILLIS) {
                return vertx.timer(RETRY_MILLIS).compose(t -> lookup(key, deadline, true));
            }
            return Future.succeededFuture(values);
        });
    }

    /** A lookup of something that is no store path hash: counted, answered with nothing. */
    void countMalformed() {
        lookups++;
    }

    long lookups() {
        return lookups;
    }

    long found() {
        return found;
    }

    long timeouts() {
        return timeouts;
    }

    long failures() {
        return failures;
    }
}
