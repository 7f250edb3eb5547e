package dev.cacheserver.application.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.inmemory.InMemoryMetadataEvents;
import dev.cacheserver.domain.port.inmemory.InMemoryNarInfoRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryNarStore;
import dev.cacheserver.domain.port.inmemory.PlainNarContentHasher;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two replicas over one repository: what one publishes or removes, the other serves at once, never stale. */
class ReplicaNarInfoChangesTest {
    static final CacheName MAIN = new CacheName("main");
    static final CacheName OTHER = new CacheName("other");
    static final SecretSigningKey KEY = SecretSigningKey.generate("main-1");

    @TempDir
    Path dir;
    InMemoryNarStore store;
    InMemoryNarInfoRepository repository;
    NarInfoService a;
    NarInfoService b;
    NarInfoService otherCacheOnB;

    @BeforeEach
    void setUp() {
        store = new InMemoryNarStore(dir);
        repository = new InMemoryNarInfoRepository();
        InMemoryMetadataEvents bus = new InMemoryMetadataEvents();
        a = replica(MAIN, bus);
        var eventsB = bus.replica();
        b = service(MAIN);
        ReplicaNarInfoChanges.connect(MAIN, b, eventsB);
        otherCacheOnB = service(OTHER);
        ReplicaNarInfoChanges.connect(OTHER, otherCacheOnB, eventsB);
    }

    NarInfoService replica(CacheName cache, InMemoryMetadataEvents bus) {
        NarInfoService service = service(cache);
        ReplicaNarInfoChanges.connect(cache, service, bus.replica());
        return service;
    }

    NarInfoService service(CacheName cache) {
        CacheProfile profile = new CacheProfile(cache, true, KEY, URI.create("http://127.0.0.1:1"), 30);
        return new NarInfoService(profile, repository, store, new PlainNarContentHasher(), Clock.systemUTC(),
                1 << 20, true);
    }

    @Test
    void aMissCachedOnOneReplicaIsClearedByAPublishOnAnother() throws Exception {
        NarInfo info = stored('a', "pushed");
        assertEquals(Optional.empty(), await(b.serving().lookup(info.storePath().hash())), "a miss, now cached");

        await(a.publishing().publish(info));

        assertTrue(await(b.serving().lookup(info.storePath().hash())).isPresent());
    }

    @Test
    void aNarInfoRemovedOnOneReplicaIsNoLongerServedFromTheOthersMemory() throws Exception {
        NarInfo info = await(a.publishing().publish(stored('b', "removed")));
        assertTrue(await(b.serving().lookup(info.storePath().hash())).isPresent(), "rendered and held by b");

        assertEquals(1, await(a.removal().removeAll(List.of(info.storePath().hash()))));

        assertEquals(Optional.empty(), await(b.serving().lookup(info.storePath().hash())));
    }

    @Test
    void aChangeInOneCacheLeavesTheSamePathInAnotherCacheCached() throws Exception {
        NarInfo info = stored('c', "elsewhere");
        await(repository.save(OTHER, info));
        assertTrue(await(otherCacheOnB.serving().lookup(info.storePath().hash())).isPresent());
        await(repository.delete(OTHER, info.storePath().hash()));

        await(a.publishing().publish(info));

        assertTrue(await(otherCacheOnB.serving().lookup(info.storePath().hash())).isPresent(),
                "still served from memory: the change was announced for main, not other");
    }

    NarInfo stored(char c, String content) throws Exception {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        NixHash hash = new NixHash(MessageDigest.getInstance("SHA-256").digest(bytes));
        NarFile file = new NarFile(hash, Compression.NONE);
        Path spool = await(store.createSpoolFile());
        Files.write(spool, bytes);
        await(store.publish(spool, file));
        return new NarInfo(StorePath.parse(String.valueOf(c).repeat(32) + "-" + content), file, bytes.length, hash,
                bytes.length, List.of(), null, null, List.of(), null);
    }

    static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
