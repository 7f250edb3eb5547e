package dev.cacheserver.adapters.dht;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls for something the DHT does asynchronously, up to a deadline; never a fixed wait. */
final class Poll {
    private static final long INTERVAL_MILLIS = 20;

    private Poll() {
    }

    /** True as soon as {@code condition} holds; false when {@code timeout} passed first. */
    static boolean until(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(INTERVAL_MILLIS);
        }
        return true;
    }

    /** Like {@link #until}, failing with {@code what} when the deadline passes. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        if (!until(timeout, condition)) {
            throw new AssertionError(what + " (waited " + timeout.toSeconds() + " s)");
        }
    }
}
