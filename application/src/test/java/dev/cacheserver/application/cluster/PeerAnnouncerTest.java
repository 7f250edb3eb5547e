package dev.cacheserver.application.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.inmemory.InMemoryPeerDirectory;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which paths reach the cluster: public caches' paths, never a private cache's. */
class PeerAnnouncerTest {
    final InMemoryPeerDirectory directory = new InMemoryPeerDirectory();
    final PeerAnnouncer announcer = new PeerAnnouncer(directory);
    final StorePathHash a = new StorePathHash("a".repeat(32));
    final StorePathHash b = new StorePathHash("b".repeat(32));

    CacheProfile cache(String name, boolean isPublic) {
        return new CacheProfile(new CacheName(name), isPublic, SecretSigningKey.generate(name + "-1"),
                URI.create("http://node1:8080/" + name), 30);
    }

    @Test
    void aPublicCacheAnnouncesEveryPathWithItsUrlNameAndKey() {
        CacheProfile main = cache("main", true);
        announcer.announceAll(main, List.of(a, b)).toCompletableFuture().join();

        assertEquals(Set.of(a, b), directory.announcedBy(PeerAnnouncer.provider(main)));
        var provider = directory.findProviders(a).toCompletableFuture().join().get(0);
        assertEquals(main.publicUrl(), provider.url());
        assertEquals(main.signingKey().publicKey(), provider.publicKey());
    }

    @Test
    void aPrivateCacheIsNeverAnnounced() {
        CacheProfile secret = cache("secret", false);
        announcer.announceAll(secret, List.of(a)).toCompletableFuture().join();
        announcer.published(secret, PeerNarInfoServiceTest.narInfo('c')).toCompletableFuture().join();

        assertEquals(List.of(), directory.findProviders(a).toCompletableFuture().join());
        assertEquals(0, directory.status().toCompletableFuture().join().announced());
    }

    @Test
    void aDeletedPathIsWithdrawn() {
        CacheProfile main = cache("main", true);
        announcer.announceAll(main, List.of(a, b)).toCompletableFuture().join();
        announcer.deleted(main, a).toCompletableFuture().join();

        assertEquals(Set.of(b), directory.announcedBy(PeerAnnouncer.provider(main)));
    }

    @Test
    void storedPathsAreWalkedAgainEveryPeriodAndADeletedOneIsNoLongerAnnounced() throws Exception {
        CacheProfile main = cache("main", true);
        var repository = new dev.cacheserver.domain.port.inmemory.InMemoryNarInfoRepository();
        for (char c : new char[] {'c', 'd', 'f'}) {
            repository.save(main.name(), PeerNarInfoServiceTest.narInfo(c)).toCompletableFuture().join();
        }
        java.util.List<Long> counts = new java.util.concurrent.CopyOnWriteArrayList<>();

        PeerAnnouncer.Renewal renewal = announcer.keepAnnounced(main, repository, java.time.Duration.ofMillis(50),
                (count, e) -> counts.add(count));
        try {
            awaitTrue(() -> renewal.walks() >= 2);
            assertEquals(3, counts.get(0), "the first walk hands every stored path");
            assertEquals(3, counts.get(1), "and the next walk hands them again");
            repository.delete(main.name(), PeerNarInfoServiceTest.narInfo('c').storePath().hash())
                    .toCompletableFuture().join();
            long after = renewal.walks() + 1;
            awaitTrue(() -> renewal.walks() > after);
            assertEquals(2, counts.get(counts.size() - 1), "a deleted path is not walked any more");
        } finally {
            renewal.stop();
        }
        PeerAnnouncer.Renewal privateCache = announcer.keepAnnounced(cache("secret", false), repository,
                java.time.Duration.ofMillis(50), (count, e) -> counts.add(-1L));
        assertEquals(0, privateCache.walks());
        assertEquals(false, counts.contains(-1L), "a private cache is never walked");
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            Thread.sleep(10);
        }
    }
}
