package dev.cacheserver.adapters.http.guard;

import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.atomic.AtomicInteger;

/** The open connections of one port, shared by the verticle instances that serve it. */
final class OpenConnections implements Shareable {
    private final AtomicInteger count = new AtomicInteger();

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

    void closed() {
        count.decrementAndGet();
    }
}
