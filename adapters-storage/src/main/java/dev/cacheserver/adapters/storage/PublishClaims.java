package dev.cacheserver.adapters.storage;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Who is writing the record of a NAR file right now: a publish, or the reconcile adopting a file it found. Only
 * one at a time per file name, so the reconcile never records as "found" a NAR a publish has just put in place
 * (which would cost that publish its round-robin step). Holds only the names being written.
 */
final class PublishClaims {
    private final Map<String, CompletableFuture<Void>> held = new ConcurrentHashMap<>();

    /**
     * Claims {@code name} for {@code mine}; answers the stage of the current holder instead when it is held
     * (then nothing is claimed).
     */
    Optional<CompletionStage<Void>> claim(String name, CompletableFuture<Void> mine) {
        return Optional.ofNullable(held.putIfAbsent(name, mine));
    }

    /** Ends the claim of {@code mine} and wakes whoever waits for it. */
    void release(String name, CompletableFuture<Void> mine) {
        held.remove(name, mine);
        mine.complete(null);
    }

    /** Runs {@code work} under a claim of {@code name}; skips it (answering false) when someone holds the name. */
    CompletionStage<Boolean> ifUnclaimed(String name, Supplier<CompletionStage<Boolean>> work) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        if (claim(name, mine).isPresent()) {
            return CompletableFuture.completedFuture(false);
        }
        CompletionStage<Boolean> done;
        try {
            done = work.get();
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        return done.whenComplete((v, e) -> release(name, mine));
    }
}
