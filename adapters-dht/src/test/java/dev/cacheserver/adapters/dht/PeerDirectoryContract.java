package dev.cacheserver.adapters.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.PeerDirectory;
import dev.cacheserver.domain.port.PeerDirectory.Provider;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.net.URI;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The PeerDirectory contract, shared by the in-memory twin and the OpenDHT adapter. {@link #announcer()} and
 * {@link #finder()} may be two nodes of one network (a path announced on one is found on the other).
 */
abstract class PeerDirectoryContract {
    static final String NIX32 = "0123456789abcdfghijklmnpqrsvwxyz";
    static final Provider NODE1 = provider("http://127.0.0.1:18081", "main");
    static final Provider NODE1_OTHER_CACHE = provider("http://127.0.0.1:18082", "other");

    abstract PeerDirectory announcer();

    abstract PeerDirectory finder();

    static Provider provider(String url, String cache) {
        return new Provider(URI.create(url), new CacheName(cache), SecretSigningKey.generate(cache + "-1").publicKey());
    }

    static StorePathHash randomHash() {
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            sb.append(NIX32.charAt(random.nextInt(32)));
        }
        return new StorePathHash(sb.toString());
    }

    /** Polls until {@code expected} is found: announcements are paced, so they reach the network shortly after. */
    List<Provider> findEventually(StorePathHash hash, int expected) throws InterruptedException {
        List<List<Provider>> last = new java.util.ArrayList<>(List.of(List.of()));
        Poll.until(java.time.Duration.ofSeconds(10), () -> {
            last.set(0, finder().findProviders(hash).toCompletableFuture().join());
            return last.get(0).size() >= expected;
        });
        return last.get(0);
    }

    /** Until the announcer has put everything it queued: a withdrawal then cannot race a paced announcement. */
    void awaitNoPendingAnnouncements() throws InterruptedException {
        Poll.await("announcements still pending", java.time.Duration.ofSeconds(10),
                () -> announcer().status().toCompletableFuture().join().pendingAnnouncements() == 0);
    }

    @Test
    void anAnnouncedPathIsFoundWithTheProvidersUrlNameAndKey() throws Exception {
        StorePathHash hash = randomHash();
        announcer().announce(NODE1, List.of(hash)).toCompletableFuture().join();

        List<Provider> found = findEventually(hash, 1);

        assertEquals(List.of(NODE1), found);
    }

    @Test
    void twoCachesHoldingOnePathAreBothFound() throws Exception {
        StorePathHash hash = randomHash();
        announcer().announce(NODE1, List.of(hash)).toCompletableFuture().join();
        announcer().announce(NODE1_OTHER_CACHE, List.of(hash)).toCompletableFuture().join();

        assertEquals(Set.of(NODE1, NODE1_OTHER_CACHE), Set.copyOf(findEventually(hash, 2)));
    }

    @Test
    void anUnknownPathFindsNobody() {
        assertEquals(List.of(), finder().findProviders(randomHash()).toCompletableFuture().join());
    }

    @Test
    void aWithdrawnPathIsNoLongerOfferedByTheNodeThatWithdrewIt() throws Exception {
        StorePathHash hash = randomHash();
        announcer().announce(NODE1, List.of(hash)).toCompletableFuture().join();
        assertEquals(1, findEventually(hash, 1).size());
        awaitNoPendingAnnouncements();

        announcer().withdraw(NODE1, List.of(hash)).toCompletableFuture().join();

        assertEquals(List.of(), announcer().findProviders(hash).toCompletableFuture().join());
        assertTrue(announcer().status().toCompletableFuture().join().withdrawn() >= 1);
    }
}
