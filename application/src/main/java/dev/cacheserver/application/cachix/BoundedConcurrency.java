package dev.cacheserver.application.cachix;

import dev.cacheserver.domain.error.UnavailableException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Runs at most {@code running} asynchronous tasks at once; up to {@code waiting} more wait for a turn, first come
 * first served; beyond that a task is refused with {@link UnavailableException} (503 and Retry-After), so a burst
 * of clients queues briefly instead of backing off for seconds, and an overload still cannot pile up. Thread-safe.
 */
final class BoundedConcurrency {
    private final int running;
    private final int waiting;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private int active;

    BoundedConcurrency(int running, int waiting) {
        if (running < 1 || waiting < 0) {
            throw new IllegalArgumentException("running must be >= 1 and waiting >= 0");
        }
        this.running = running;
        this.waiting = waiting;
    }

    /** Starts {@code task} now or when a running one finishes; {@code what} names it in the refusal. */
    <T> CompletionStage<T> submit(String what, Supplier<CompletionStage<T>> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable start = () -> {
            CompletionStage<T> stage;
            try {
                stage = task.get();
            } catch (RuntimeException e) {
                stage = CompletableFuture.failedFuture(e);
            }
            stage.whenComplete((value, error) -> {
                release();
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(value);
                }
            });
        };
        boolean now;
        synchronized (this) {
            if (active < running) {
                active++;
                now = true;
            } else if (queue.size() < waiting) {
                queue.add(start);
                now = false;
            } else {
                return CompletableFuture.failedFuture(new UnavailableException(
                        "too many " + what + " in progress; retry later"));
            }
        }
        if (now) {
            start.run();
        }
        return result;
    }

    private void release() {
        Runnable next;
        synchronized (this) {
            next = queue.poll();
            if (next == null) {
                active--;
            }
        }
        if (next != null) {
            next.run();
        }
    }

    synchronized int active() {
        return active;
    }

    synchronized int waiting() {
        return queue.size();
    }
}
