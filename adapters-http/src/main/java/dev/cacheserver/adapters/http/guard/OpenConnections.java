package dev.cacheserver.adapters.http.guard;

import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.atomic.AtomicInteger;

/** The open connections of one port, shared by the verticle instances that serve it. */
final class OpenConnections implements Shareable {
    private static final long WARN_EVERY_NANOS = 60_000_000_000L;
    private final AtomicInteger count = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong lastWarning = new java.util.concurrent.atomic.AtomicLong(
            System.nanoTime() - WARN_EVERY_NANOS);

    /** Counts one more connection, unless {@code max} are open already. */
    boolean tryOpen(int max) {
        while (true) {
            int now = count.get();
            if (now >= max) {
                return false;
            }
            if (count.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** True at most once a minute: refusals come in floods, the log should not. */
    boolean timeToWarn() {
        long last = lastWarning.get();
        long now = System.nanoTime();
        return now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now);
    }

    void closed() {
        count.decrementAndGet();
    }
}
