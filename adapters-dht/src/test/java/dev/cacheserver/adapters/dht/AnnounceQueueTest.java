package dev.cacheserver.adapters.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.PeerDirectory.Provider;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The queue of paths to announce and the bounded memory of withdrawn ones, without a DHT. */
class AnnounceQueueTest {
    private static final Provider NODE = new Provider(URI.create("http://10.0.0.1:8080/main"), new CacheName("main"),
            SecretSigningKey.generate("main-1").publicKey());
    private static final StorePathHash A = new StorePathHash("0c2kb5nspnp2zlp4ff12ml55xgc0csaw");
    private static final StorePathHash B = new StorePathHash("1c2kb5nspnp2zlp4ff12ml55xgc0csaw");
    private static final StorePathHash C = new StorePathHash("2c2kb5nspnp2zlp4ff12ml55xgc0csaw");

    @Test
    void pathsGoOutOnceInTheOrderTheyCameInBatchesOfTheAskedSize() {
        AnnounceQueue queue = new AnnounceQueue(10);
        queue.announce(NODE, List.of(A, B));
        queue.announce(NODE, List.of(A, C));

        assertEquals(3, queue.pending());
        assertEquals(List.of(A, B), queue.next(2).stream().map(AnnounceQueue.Put::hash).toList());
        assertEquals(List.of(C), queue.next(2).stream().map(AnnounceQueue.Put::hash).toList());
        assertEquals(0, queue.pending(), "nothing per path stays once sent");
    }

    @Test
    void aWithdrawnPathIsNotSentAndNotOfferedUntilAnnouncedAgain() {
        AnnounceQueue queue = new AnnounceQueue(10);
        queue.announce(NODE, List.of(A, B));

        queue.withdraw(NODE, List.of(A));

        assertEquals(List.of(B), queue.next(10).stream().map(AnnounceQueue.Put::hash).toList());
        assertTrue(queue.isWithdrawn(A, NODE));
        assertEquals(1, queue.withdrawnCount());
        queue.announce(NODE, List.of(A));
        assertFalse(queue.isWithdrawn(A, NODE));
    }

    @Test
    void onlyTheMostRecentWithdrawalsAreRemembered() {
        AnnounceQueue queue = new AnnounceQueue(2);

        queue.withdraw(NODE, List.of(A, B, C));

        assertFalse(queue.isWithdrawn(A, NODE), "the oldest is forgotten past the bound");
        assertTrue(queue.isWithdrawn(B, NODE));
        assertTrue(queue.isWithdrawn(C, NODE));
        assertEquals(3, queue.withdrawnCount());
    }
}
