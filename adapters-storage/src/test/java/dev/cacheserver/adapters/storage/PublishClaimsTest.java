package dev.cacheserver.adapters.storage;

import static dev.cacheserver.adapters.storage.NarStoreContract.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** One writer of a NAR file's record at a time: a claimed name makes the reconcile skip it. */
class PublishClaimsTest {
    private final PublishClaims claims = new PublishClaims();

    @Test
    void aClaimedNameIsSkippedAndFreeAgainOnceReleased() throws Exception {
        CompletableFuture<Void> publish = new CompletableFuture<>();
        assertTrue(claims.claim("x.nar", publish).isEmpty());
        AtomicBoolean ran = new AtomicBoolean();

        assertFalse(await(claims.ifUnclaimed("x.nar", () -> {
            ran.set(true);
            return CompletableFuture.completedFuture(true);
        })));
        assertFalse(ran.get(), "the reconcile leaves a file being published alone");

        claims.release("x.nar", publish);
        assertTrue(publish.isDone(), "a second publish waiting for the first wakes up");
        assertTrue(await(claims.ifUnclaimed("x.nar", () -> CompletableFuture.completedFuture(true))));
    }

    @Test
    void aSecondClaimSeesTheFirstHolder() {
        CompletableFuture<Void> first = new CompletableFuture<>();
        claims.claim("y.nar", first);

        assertEquals(first, claims.claim("y.nar", new CompletableFuture<>()).orElseThrow());
    }
}
