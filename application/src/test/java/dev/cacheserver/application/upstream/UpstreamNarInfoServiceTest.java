package dev.cacheserver.application.upstream;

import static dev.cacheserver.application.cluster.PeerNarInfoServiceTest.join;
import static dev.cacheserver.application.cluster.PeerNarInfoServiceTest.narInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.cluster.PeerNarInfoServiceTest;
import dev.cacheserver.application.port.in.ServeFromUpstreams;
import dev.cacheserver.domain.error.HashMismatchException;
import dev.cacheserver.domain.error.UpstreamFailedException;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.narinfo.NarInfoText;
import dev.cacheserver.domain.port.UpstreamClient;
import dev.cacheserver.domain.port.inmemory.InMemoryNarStore;
import dev.cacheserver.application.ingest.NarIngestion;
import dev.cacheserver.application.port.in.NarSpool;
import dev.cacheserver.application.port.in.SpooledBytes;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upstream miss path of a cache, driven by a scripted upstream client. */
class UpstreamNarInfoServiceTest {
    static final SecretSigningKey NIXOS_KEY = SecretSigningKey.generate("cache.nixos.org-1");
    static final SecretSigningKey OTHER_KEY = SecretSigningKey.generate("other-1");
    static final SecretSigningKey LOCAL_KEY = SecretSigningKey.generate("local-1");
    static final URI FIRST = URI.create("http://first.example");
    static final URI SECOND = URI.create("http://second.example");

    final FakeUpstreams client = new FakeUpstreams();
    final PeerNarInfoServiceTest.MutableClock clock = new PeerNarInfoServiceTest.MutableClock();
    final List<String> events = new ArrayList<>();
    CacheProfile local = new CacheProfile(new CacheName("main"), true, LOCAL_KEY,
            URI.create("http://local.example"), 30);
    Function<NarInfo, CompletionStage<NarInfo>> publisher = CompletableFuture::completedFuture;
    @TempDir
    Path dir;

    UpstreamNarInfoService service(InMemoryNarStore store, Upstream... upstreams) {
        UpstreamEvents recorder = new UpstreamEvents() {
            @Override
            public void rejected(URI upstream, StorePathHash hash, String reason) {
                events.add("rejected " + upstream + ": " + reason);
            }

            @Override
            public void failed(URI upstream, String reason) {
                events.add("failed " + upstream + ": " + reason);
            }

            @Override
            public void kept(URI upstream, StorePathHash hash) {
                events.add("kept " + upstream);
            }
        };
        UpstreamSettings settings = new UpstreamSettings(List.of(upstreams), Duration.ofMinutes(10),
                Duration.ofSeconds(30), 64, 1000);
        return new UpstreamNarInfoService(local, client, settings, new NarIngestion(store, null), publisher, recorder,
                clock);
    }

    UpstreamNarInfoService service(Upstream... upstreams) {
        return service(new InMemoryNarStore(dir), upstreams);
    }

    static Upstream upstream(URI url, int priority, SecretSigningKey key) {
        return new Upstream(url, List.of(key.publicKey()), priority);
    }

    @Test
    void servesAVerifiedUpstreamNarInfoWithItsSignatureKeptAndOursAdded() {
        NarInfo info = narInfo('a').signedBy(NIXOS_KEY);
        client.put(FIRST, info);
        UpstreamNarInfoService service = service(upstream(FIRST, 40, NIXOS_KEY));

        byte[] served = join(service.lookup(info.storePath().hash())).orElseThrow();

        NarInfo parsed = NarInfoText.parse(new String(served, StandardCharsets.UTF_8));
        assertTrue(parsed.signatureBy(LOCAL_KEY.publicKey()).isPresent(), "signed by this cache");
        assertTrue(parsed.signatureBy(NIXOS_KEY.publicKey()).isPresent(), "the upstream's signature is kept");
        assertEquals(URI.create(FIRST + "/" + info.narFile().url()),
                service.locateNar(info.narFile()).orElseThrow().narUrl());
        assertEquals(1, service.stats().get(0).hits());
    }

    @Test
    void duringAKeyRotationEveryKeyOfThisCacheSignsTheUpstreamNarInfo() {
        SecretSigningKey next = SecretSigningKey.generate("local-2");
        local = new CacheProfile(new CacheName("main"), true, new dev.cacheserver.domain.signing.SigningKeys(
                List.of(next, LOCAL_KEY), List.of()), URI.create("http://local.example"), 30);
        NarInfo info = narInfo('m').signedBy(NIXOS_KEY);
        client.put(FIRST, info);

        byte[] served = join(service(upstream(FIRST, 40, NIXOS_KEY)).lookup(info.storePath().hash())).orElseThrow();

        NarInfo parsed = NarInfoText.parse(new String(served, StandardCharsets.UTF_8));
        assertTrue(parsed.signatureBy(next.publicKey()).isPresent(), "a client trusting the new key accepts it");
        assertTrue(parsed.signatureBy(LOCAL_KEY.publicKey()).isPresent(), "a client trusting the old key accepts it");
        assertTrue(parsed.signatureBy(NIXOS_KEY.publicKey()).isPresent(), "the upstream's signature is kept");
    }

    @Test
    void unsignedOrWronglySignedNarInfosAreRefused() {
        NarInfo unsigned = narInfo('b');
        NarInfo wrongKey = narInfo('c').signedBy(OTHER_KEY);
        client.put(FIRST, unsigned);
        client.put(FIRST, wrongKey);
        UpstreamNarInfoService service = service(upstream(FIRST, 40, NIXOS_KEY));

        assertTrue(join(service.lookup(unsigned.storePath().hash())).isEmpty());
        assertTrue(join(service.lookup(wrongKey.storePath().hash())).isEmpty());
        assertTrue(service.locateNar(unsigned.narFile()).isEmpty());
        assertEquals(2, service.stats().get(0).rejected());
        assertTrue(events.get(0).contains("not signed"), events.toString());
        assertTrue(events.get(1).contains("no signature verifies"), events.toString());
    }

    @Test
    void eachUpstreamIsCheckedAgainstItsOwnKeysOnly() {
        NarInfo info = narInfo('d').signedBy(OTHER_KEY);
        client.put(FIRST, info);
        UpstreamNarInfoService service = service(upstream(FIRST, 40, NIXOS_KEY), upstream(SECOND, 50, OTHER_KEY));

        assertTrue(join(service.lookup(info.storePath().hash())).isEmpty(),
                "OTHER_KEY is trusted for the second upstream, not for the first");
    }

    @Test
    void theHigherPriorityUpstreamWinsWhenBothHaveThePath() {
        NarInfo info = narInfo('f').signedBy(NIXOS_KEY);
        client.put(FIRST, info);
        client.put(SECOND, info);
        UpstreamNarInfoService service = service(upstream(SECOND, 10, NIXOS_KEY), upstream(FIRST, 40, NIXOS_KEY));

        join(service.lookup(info.storePath().hash())).orElseThrow();

        assertEquals(SECOND, service.locateNar(info.narFile()).orElseThrow().upstream());
    }

    @Test
    void aFailingUpstreamFallsThroughToTheNextAndIsSkippedForTheBackOff() {
        NarInfo info = narInfo('g').signedBy(NIXOS_KEY);
        NarInfo later = narInfo('h').signedBy(NIXOS_KEY);
        client.put(SECOND, info);
        client.put(SECOND, later);
        client.down.add(FIRST);
        UpstreamNarInfoService service = service(upstream(FIRST, 10, NIXOS_KEY), upstream(SECOND, 40, NIXOS_KEY));

        assertTrue(join(service.lookup(info.storePath().hash())).isPresent());
        int askedFirst = client.asked(FIRST);
        assertTrue(join(service.lookup(later.storePath().hash())).isPresent());
        assertEquals(askedFirst, client.asked(FIRST), "a failed upstream is skipped during its back-off");

        clock.advance(Duration.ofSeconds(31));
        client.down.clear();
        join(service.lookup(narInfo('i').storePath().hash()));
        assertTrue(client.asked(FIRST) > askedFirst, "asked again once the back-off is over");
        assertEquals(1, service.stats().get(0).errors());
    }

    @Test
    void whenEveryUpstreamFailsTheLookupFailsAsAGatewayErrorAndIsNotRememberedAsAMiss() {
        client.timingOut.add(FIRST);
        UpstreamNarInfoService service = service(upstream(FIRST, 10, NIXOS_KEY));
        StorePathHash hash = narInfo('j').storePath().hash();

        CompletionException failure = assertThrows(CompletionException.class, () -> join(service.lookup(hash)));
        UpstreamFailedException upstream = assertInstanceOf(UpstreamFailedException.class, failure.getCause());
        assertTrue(upstream.timedOut());

        clock.advance(Duration.ofSeconds(31));
        client.timingOut.clear();
        NarInfo info = narInfo('j').signedBy(NIXOS_KEY);
        client.put(FIRST, info);
        assertTrue(join(service.lookup(hash)).isPresent(), "a failure is not a remembered miss");
    }

    @Test
    void missesAreRememberedForTheNegativeTtl() {
        UpstreamNarInfoService service = service(upstream(FIRST, 10, NIXOS_KEY));
        StorePathHash hash = narInfo('k').storePath().hash();

        assertTrue(join(service.lookup(hash)).isEmpty());
        assertTrue(join(service.lookup(hash)).isEmpty());
        assertEquals(1, client.narInfoRequests(FIRST), "the second miss is answered from memory");

        clock.advance(Duration.ofMinutes(11));
        assertTrue(join(service.lookup(hash)).isEmpty());
        assertEquals(2, client.narInfoRequests(FIRST));
    }

    @Test
    void nixCacheInfoIsCheckedOnceAndAWrongStoreDirDisablesTheUpstream() {
        client.storeDirs.put(FIRST, "/gnu/store");
        NarInfo info = narInfo('l').signedBy(NIXOS_KEY);
        client.put(FIRST, info);
        client.put(SECOND, narInfo('m').signedBy(NIXOS_KEY));
        UpstreamNarInfoService service = service(upstream(FIRST, 10, NIXOS_KEY), upstream(SECOND, 40, NIXOS_KEY));

        assertTrue(join(service.lookup(info.storePath().hash())).isEmpty(), "the second upstream said no");
        assertEquals(0, client.narInfoRequests(FIRST), "never asked for narinfos");
        assertTrue(join(service.lookup(narInfo('m').storePath().hash())).isPresent());
        assertTrue(join(service.lookup(narInfo('n').storePath().hash())).isEmpty());
        assertEquals(1, client.cacheInfoRequests(SECOND), "nix-cache-info is asked once per upstream");
    }

    @Test
    void aCopyThatFailsToPublishIsDeletedFromStorage() throws Exception {
        InMemoryNarStore store = new InMemoryNarStore(dir);
        NarInfo info = narInfo('p').signedBy(NIXOS_KEY);
        publisher = kept -> CompletableFuture.failedFuture(new HashMismatchException("NarHash mismatch"));
        client.put(FIRST, info);
        UpstreamNarInfoService service = service(store, upstream(FIRST, 10, NIXOS_KEY));
        join(service.lookup(info.storePath().hash()));
        ServeFromUpstreams.UpstreamNar nar = service.locateNar(info.narFile()).orElseThrow();
        NarSpool spool = join(service.openCopy(nar));
        Files.writeString(spool.path(), "nar bytes");

        CompletionException failure = assertThrows(CompletionException.class, () -> join(service.keepCopy(nar, spool,
                CompletableFuture.completedFuture(new SpooledBytes(info.fileHash(), info.fileSize())))));

        assertInstanceOf(HashMismatchException.class, failure.getCause());
        assertFalse(store.publishedFiles().contains(info.narFile()), "nothing left behind");
    }

    @Test
    void aKeptCopyIsNoLongerServedFromTheUpstream() {
        NarInfo info = narInfo('q').signedBy(NIXOS_KEY);
        client.put(FIRST, info);
        UpstreamNarInfoService service = service(upstream(FIRST, 10, NIXOS_KEY));
        join(service.lookup(info.storePath().hash()));

        ServeFromUpstreams.UpstreamNar nar = service.locateNar(info.narFile()).orElseThrow();
        NarInfo kept = join(service.keepCopy(nar, join(service.openCopy(nar)),
                CompletableFuture.completedFuture(new SpooledBytes(info.fileHash(), info.fileSize()))));

        assertTrue(kept.signatureBy(LOCAL_KEY.publicKey()).isPresent());
        assertTrue(service.locateNar(info.narFile()).isEmpty());
        assertTrue(events.contains("kept " + FIRST), events.toString());
    }

    /** Upstreams answering from maps; down ones fail as unreachable, timing-out ones as timed out. */
    static final class FakeUpstreams implements UpstreamClient {
        final Map<String, String> answers = new HashMap<>();
        final Map<URI, String> storeDirs = new HashMap<>();
        final Set<URI> down = new HashSet<>();
        final Set<URI> timingOut = new HashSet<>();
        final List<String> requests = new ArrayList<>();

        void put(URI upstream, NarInfo info) {
            answers.put(upstream + "/" + info.storePath().hash(), NarInfoText.render(info));
        }

        int asked(URI upstream) {
            return (int) requests.stream().filter(r -> r.startsWith(upstream + " ")).count();
        }

        int narInfoRequests(URI upstream) {
            return (int) requests.stream().filter(r -> r.startsWith(upstream + " narinfo")).count();
        }

        int cacheInfoRequests(URI upstream) {
            return (int) requests.stream().filter(r -> r.equals(upstream + " nix-cache-info")).count();
        }

        @Override
        public CompletionStage<Optional<String>> fetchNarInfo(URI upstream, StorePathHash hash) {
            requests.add(upstream + " narinfo " + hash);
            return failure(upstream).<CompletionStage<Optional<String>>>map(CompletableFuture::failedFuture)
                    .orElseGet(() -> CompletableFuture.completedFuture(
                            Optional.ofNullable(answers.get(upstream + "/" + hash))));
        }

        @Override
        public CompletionStage<String> fetchCacheInfo(URI upstream) {
            requests.add(upstream + " nix-cache-info");
            return failure(upstream).<CompletionStage<String>>map(CompletableFuture::failedFuture)
                    .orElseGet(() -> CompletableFuture.completedFuture("StoreDir: "
                            + storeDirs.getOrDefault(upstream, "/nix/store") + "\nWantMassQuery: 1\nPriority: 40\n"));
        }

        private Optional<Throwable> failure(URI upstream) {
            if (down.contains(upstream)) {
                return Optional.of(new UpstreamFailedException("upstream unreachable: connection refused", false));
            }
            if (timingOut.contains(upstream)) {
                return Optional.of(new UpstreamFailedException("upstream timed out", true));
            }
            return Optional.empty();
        }
    }
}
