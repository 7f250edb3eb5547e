package dev.cacheserver.application.cachix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.error.UnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class BoundedConcurrencyTest {
    private final BoundedConcurrency slots = new BoundedConcurrency(2, 2);
    private final List<String> started = new ArrayList<>();

    private CompletionStage<String> submit(String name, CompletableFuture<String> work) {
        return slots.submit("completions", () -> {
            started.add(name);
            return work;
        });
    }

    @Test
    void runsAtMostTheLimitAndStartsWaitingTasksInOrderAsOthersFinish() {
        CompletableFuture<String> a = new CompletableFuture<>();
        CompletableFuture<String> b = new CompletableFuture<>();
        CompletableFuture<String> c = new CompletableFuture<>();
        CompletableFuture<String> d = new CompletableFuture<>();
        CompletionStage<String> ra = submit("a", a);
        submit("b", b);
        CompletionStage<String> rc = submit("c", c);
        submit("d", d);
        assertEquals(List.of("a", "b"), started);
        assertEquals(2, slots.waiting());

        a.complete("done a");
        assertEquals("done a", ra.toCompletableFuture().join());
        assertEquals(List.of("a", "b", "c"), started);
        b.completeExceptionally(new IllegalStateException("b failed"));
        assertEquals(List.of("a", "b", "c", "d"), started);
        c.complete("done c");
        assertEquals("done c", rc.toCompletableFuture().join());
        d.complete("done d");
        assertEquals(0, slots.active());
    }

    @Test
    void refusesWithUnavailableWhenTheWaitingRoomIsFull() {
        for (String name : List.of("a", "b", "c", "d")) {
            submit(name, new CompletableFuture<>());
        }
        CompletionStage<String> refused = submit("e", new CompletableFuture<>());
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> refused.toCompletableFuture().join());
        assertInstanceOf(UnavailableException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("retry later"));
        assertFalse(started.contains("e"));
    }

    @Test
    void aTaskThatThrowsFreesItsSlot() {
        CompletionStage<String> thrown = slots.submit("completions", () -> {
            throw new IllegalArgumentException("bad");
        });
        assertTrue(thrown.toCompletableFuture().isCompletedExceptionally());
        assertEquals(0, slots.active());
    }
}
