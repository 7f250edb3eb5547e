package dev.cacheserver.bootstrap.e2e;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for something the server does asynchronously; fails with {@code what} if it never happens. */
final class Eventually {
    static final Duration DEFAULT = Duration.ofSeconds(20);

    private Eventually() {
    }

    static void await(String what, BooleanSupplier condition) {
        await(what, DEFAULT, condition);
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what);
            }
        }
    }
}
