package dev.cacheserver.application.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.port.in.ServeFromPeers;
import dev.cacheserver.application.ingest.NarIngestion;
import dev.cacheserver.application.port.in.NarSpool;
import dev.cacheserver.application.port.in.SpooledBytes;
import dev.cacheserver.domain.error.UnavailableException;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.narinfo.NarInfoText;
import dev.cacheserver.domain.port.PeerClient;
import dev.cacheserver.domain.port.PeerDirectory;
import dev.cacheserver.domain.port.inmemory.InMemoryNarStore;
import dev.cacheserver.domain.port.inmemory.InMemoryPeerDirectory;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.net.URI;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The miss path of a cache, driven by the in-memory peer directory and a scripted peer client. */
public class PeerNarInfoServiceTest {
    static final SecretSigningKey PEER_KEY = SecretSigningKey.generate("peer-1");
    static final SecretSigningKey LOCAL_KEY = SecretSigningKey.generate("local-1");
    static final SecretSigningKey STRANGER_KEY = SecretSigningKey.generate("stranger-1");
    static final URI PEER = URI.create("http://10.0.0.1:8080");
    static final URI LOCAL = URI.create("http://10.0.0.3:8080");

    final InMemoryPeerDirectory directory = new InMemoryPeerDirectory();
    final FakePeers peers = new FakePeers();
    final MutableClock clock = new MutableClock();
    final List<String> rejections = new ArrayList<>();
    CacheProfile local = new CacheProfile(new CacheName("main"), true, LOCAL_KEY, LOCAL, 30);
    @TempDir
    Path dir;

    PeerNarInfoService service(SecretSigningKey... trusted) {
        List<dev.cacheserver.domain.signing.PublicSigningKey> keys = new ArrayList<>();
        for (SecretSigningKey k : trusted) {
            keys.add(k.publicKey());
        }
        PeerEvents events = new PeerEvents() {
            @Override
            public void rejected(URI peer, StorePathHash hash, String reason) {
                rejections.add(peer + " " + hash + ": " + reason);
            }
        };
        return new PeerNarInfoService(local, directory, peers, new TrustedKeys(keys), Set.of(LOCAL),
                PeerSettings.DEFAULTS, new NarIngestion(new InMemoryNarStore(dir), null), CompletableFuture::completedFuture,
                events, clock);
    }

    @Test
    void servesAVerifiedPeerNarInfoSignedByThisCacheWithTheNarThroughThisNode() {
        NarInfo info = narInfo('a').signedBy(PEER_KEY);
        announce(PEER, PEER_KEY, info);
        PeerNarInfoService service = service(PEER_KEY);

        Optional<byte[]> served = join(service.lookup(info.storePath().hash()));

        assertTrue(served.isPresent());
        NarInfo parsed = NarInfoText.parse(new String(served.get(), StandardCharsets.UTF_8));
        assertTrue(parsed.signatureBy(LOCAL_KEY.publicKey()).isPresent(), "signed by this cache");
        assertTrue(parsed.signatureBy(PEER_KEY.publicKey()).isPresent(), "the peer's signature is kept");
        assertEquals(info.narFile().url(), parsed.narFile().url(), "NAR URL relative to this node");
        ServeFromPeers.PeerNar nar = service.locateNar(info.narFile()).orElseThrow();
        assertEquals(URI.create(PEER + "/" + info.narFile().url()), nar.narUrl());
    }

    @Test
    void aPeerSignatureUnderOurKeyNameIsKeptBesideOursAndUnverifiedOnesAreDropped() {
        // Issue 18 item 9: every node's default key name is <cache>.<host>-1, so two nodes on one host name share
        // a key name with different keys; replacing the peer's signature made nix trusting the peer refuse it.
        SecretSigningKey namesake = SecretSigningKey.generate(LOCAL_KEY.name());
        NarInfo info = narInfo('k').signedBy(namesake).signedBy(STRANGER_KEY);
        announce(PEER, namesake, info);

        NarInfo served = NarInfoText.parse(new String(join(service(namesake).lookup(info.storePath().hash()))
                .orElseThrow(), StandardCharsets.UTF_8));

        assertTrue(served.signatureBy(namesake.publicKey()).isPresent(), "a client trusting the peer accepts it");
        assertTrue(served.signatureBy(LOCAL_KEY.publicKey()).isPresent(), "a client trusting us accepts it");
        assertEquals(2, served.signatures().size(), "the stranger's unverified signature is not passed on: "
                + served.signatures());
    }

    @Test
    void duringAKeyRotationEveryKeyOfThisCacheSignsAPeerNarInfoAndARetiredKeysSignatureIsDropped() {
        SecretSigningKey next = SecretSigningKey.generate("local-2");
        SecretSigningKey retired = SecretSigningKey.generate("local-0");
        local = new CacheProfile(new CacheName("main"), true, new dev.cacheserver.domain.signing.SigningKeys(
                List.of(next, LOCAL_KEY), List.of(retired.publicKey())), LOCAL, 30);
        NarInfo info = narInfo('m').signedBy(PEER_KEY).signedBy(retired);
        announce(PEER, PEER_KEY, info);

        NarInfo served = NarInfoText.parse(new String(join(service(PEER_KEY, retired).lookup(info.storePath().hash()))
                .orElseThrow(), StandardCharsets.UTF_8));

        assertTrue(served.signatureBy(next.publicKey()).isPresent(), "a client trusting the new key accepts it");
        assertTrue(served.signatureBy(LOCAL_KEY.publicKey()).isPresent(), "a client trusting the old key accepts it");
        assertTrue(served.signatureBy(PEER_KEY.publicKey()).isPresent());
        assertFalse(served.signatureBy(retired.publicKey()).isPresent(), "a retired key of ours no longer vouches");
    }

    @Test
    void aForgedPeerNarInfoIsRejectedAndNotServed() {
        NarInfo genuine = narInfo('b').signedBy(PEER_KEY);
        // Same signature, different NarHash: the signature no longer covers the fingerprint.
        NarInfo forged = new NarInfo(genuine.storePath(), genuine.narFile(), genuine.fileSize(), hash('z'),
                genuine.narSize(), genuine.references(), null, null, genuine.signatures(), null);
        announce(PEER, PEER_KEY, forged);
        PeerNarInfoService service = service(PEER_KEY);

        assertTrue(join(service.lookup(forged.storePath().hash())).isEmpty());
        assertTrue(service.locateNar(forged.narFile()).isEmpty());
        assertEquals(1, rejections.size(), rejections.toString());
        assertTrue(rejections.get(0).contains("no valid signature by a trusted key"), rejections.toString());
        assertEquals(1, join(service.status()).fallback().rejected());
    }

    @Test
    void aNarInfoSignedOnlyByAnUntrustedKeyIsRejectedEvenIfThePeerAnnouncedThatKey() {
        NarInfo info = narInfo('c').signedBy(STRANGER_KEY);
        announce(PEER, STRANGER_KEY, info);

        assertTrue(join(service(PEER_KEY).lookup(info.storePath().hash())).isEmpty());
        assertEquals(1, rejections.size());
    }

    @Test
    void aNarInfoForAnotherPathIsRejected() {
        NarInfo asked = narInfo('d').signedBy(PEER_KEY);
        NarInfo other = narInfo('e').signedBy(PEER_KEY);
        directory.announce(new PeerDirectory.Provider(PEER, new CacheName("main"), PEER_KEY.publicKey()),
                List.of(asked.storePath().hash()));
        peers.answers.put(PEER + "/" + asked.storePath().hash(), NarInfoText.render(other));

        assertTrue(join(service(PEER_KEY).lookup(asked.storePath().hash())).isEmpty());
        assertTrue(rejections.get(0).contains("instead"), rejections.toString());
    }

    @Test
    void aDeadPeerIsSkippedForTheNextProvider() {
        NarInfo info = narInfo('f').signedBy(PEER_KEY);
        URI dead = URI.create("http://10.0.0.9:8080");
        directory.announce(new PeerDirectory.Provider(dead, new CacheName("main"), PEER_KEY.publicKey()),
                List.of(info.storePath().hash()));
        announce(PEER, PEER_KEY, info);
        peers.dead.add(dead.toString());

        assertTrue(join(service(PEER_KEY).lookup(info.storePath().hash())).isPresent());
    }

    @Test
    void ownCachesAreNeverAskedAsPeers() {
        NarInfo info = narInfo('g').signedBy(LOCAL_KEY);
        announce(LOCAL, LOCAL_KEY, info);
        PeerNarInfoService service = service(LOCAL_KEY);

        assertTrue(join(service.lookup(info.storePath().hash())).isEmpty());
        assertEquals(List.of(), peers.asked);
    }

    @Test
    void aMissIsRememberedBrieflyThenAskedAgain() {
        NarInfo info = narInfo('h').signedBy(PEER_KEY);
        PeerNarInfoService service = service(PEER_KEY);
        assertTrue(join(service.lookup(info.storePath().hash())).isEmpty());

        announce(PEER, PEER_KEY, info);
        assertTrue(join(service.lookup(info.storePath().hash())).isEmpty(), "negative answer still cached");
        assertEquals(1, join(service.status()).fallback().negativeCacheHits());

        clock.advance(PeerSettings.DEFAULTS.negativeTtl().plusSeconds(1));
        assertTrue(join(service.lookup(info.storePath().hash())).isPresent());
    }

    @Test
    void keepingACopyPublishesTheVerifiedNarInfoInThisCache() {
        NarInfo info = narInfo('i').signedBy(PEER_KEY);
        announce(PEER, PEER_KEY, info);
        List<String> published = new ArrayList<>();
        PeerNarInfoService service = new PeerNarInfoService(local, directory, peers,
                new TrustedKeys(List.of(PEER_KEY.publicKey())), Set.of(LOCAL), PeerSettings.DEFAULTS,
                new NarIngestion(new InMemoryNarStore(dir), null), kept -> {
                    published.add(NarInfoText.render(kept));
                    return CompletableFuture.completedFuture(kept);
                }, PeerEvents.NONE, clock);
        join(service.lookup(info.storePath().hash()));

        ServeFromPeers.PeerNar nar = service.locateNar(info.narFile()).orElseThrow();
        NarSpool spool = join(service.openCopy(nar));
        join(service.keepCopy(nar, spool, CompletableFuture.completedFuture(
                new SpooledBytes(info.fileHash(), info.fileSize()))));

        assertEquals(1, published.size());
        assertTrue(NarInfoText.parse(published.get(0)).signatureBy(PEER_KEY.publicKey()).isPresent());
        assertEquals(1, join(service.status()).fallback().pulledThrough());
    }

    @Test
    void withoutProvidersTheAnswerIsEmptyAndNoPeerIsAsked() {
        Optional<byte[]> served = join(service(PEER_KEY).lookup(narInfo('j').storePath().hash()));
        assertFalse(served.isPresent());
        assertEquals(List.of(), peers.asked);
    }

    @Test
    void servedBytesAreStableForRepeatedLookups() {
        NarInfo info = narInfo('k').signedBy(PEER_KEY);
        announce(PEER, PEER_KEY, info);
        PeerNarInfoService service = service(PEER_KEY);
        byte[] first = join(service.lookup(info.storePath().hash())).orElseThrow();
        byte[] second = join(service.lookup(info.storePath().hash())).orElseThrow();
        assertArrayEquals(first, second);
        assertEquals(1, peers.asked.size(), "the second answer came from memory");
    }

    private void announce(URI url, SecretSigningKey key, NarInfo info) {
        directory.announce(new PeerDirectory.Provider(url, new CacheName("main"), key.publicKey()),
                List.of(info.storePath().hash()));
        peers.answers.put(url + "/" + info.storePath().hash(), NarInfoText.render(info));
    }

    public static NarInfo narInfo(char c) {
        StorePath path = new StorePath(new StorePathHash(String.valueOf(c).repeat(32).replace('e', 'f')
                .replace('o', 'p').replace('t', 'v').replace('u', 'w')), "hello-" + c);
        return new NarInfo(path, new NarFile(hash(c), Compression.XZ), 100, hash((char) (c + 1)), 200, List.of(),
                null, null, List.of(), null);
    }

    static NixHash hash(char c) {
        byte[] bytes = new byte[32];
        java.util.Arrays.fill(bytes, (byte) c);
        return new NixHash(bytes);
    }

    public static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    /** Answers narinfos from a map keyed by {@code url/hash}; dead peers fail as unreachable. */
    static final class FakePeers implements PeerClient {
        final Map<String, String> answers = new HashMap<>();
        final List<String> dead = new ArrayList<>();
        final List<String> asked = new ArrayList<>();

        @Override
        public CompletionStage<Optional<String>> fetchNarInfo(URI cacheUrl, StorePathHash hash) {
            asked.add(cacheUrl + "/" + hash);
            if (dead.contains(cacheUrl.toString())) {
                return CompletableFuture.failedFuture(new UnavailableException("connection refused"));
            }
            return CompletableFuture.completedFuture(Optional.ofNullable(answers.get(cacheUrl + "/" + hash)));
        }
    }

    public static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2025-01-01T00:00:00Z");

        public void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
