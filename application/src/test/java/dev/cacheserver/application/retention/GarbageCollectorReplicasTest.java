package dev.cacheserver.application.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.inmemory.InMemoryNarInfoRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryNarStore;
import dev.cacheserver.domain.port.inmemory.InMemoryPinRepository;
import dev.cacheserver.domain.port.inmemory.PlainNarContentHasher;
import dev.cacheserver.domain.retention.RetentionPolicy;
import dev.cacheserver.domain.signing.SecretSigningKey;
import dev.cacheserver.domain.upload.Pin;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertThrows;
import dev.cacheserver.domain.port.ExclusiveRuns;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/** With replicas sharing the database, a cache is swept by one of them at a time; the others sweep nothing. */
class GarbageCollectorReplicasTest {
    static final CacheName MAIN = new CacheName("main");

    @TempDir
    Path dir;
    final GarbageCollectorTest.MutableClock clock = new GarbageCollectorTest.MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    InMemoryNarStore store;
    InMemoryNarInfoRepository repository;
    InMemoryPinRepository pins;
    NarInfoService narInfos;
    GarbageCollector collector;

    @BeforeEach
    void setUp() {
        store = new InMemoryNarStore(dir);
        repository = new InMemoryNarInfoRepository(clock);
        pins = new InMemoryPinRepository();
        CacheProfile profile = new CacheProfile(MAIN, true, SecretSigningKey.generate("main-1"),
                URI.create("http://127.0.0.1:1"), 30);
        narInfos = new NarInfoService(profile, repository, store, new PlainNarContentHasher(), clock);
        collector = Retention.collector(profile, narInfos.accessTimes(), narInfos.removal(), repository, store, pins,
                RetentionPolicy.of(Duration.ofDays(1)), Duration.ofHours(1), clock);
    }

    static StorePath path(char c, String name) {
        return StorePath.parse(String.valueOf(c).repeat(32) + "-" + name);
    }

    NarInfo push(StorePath path, byte[] content, StorePath... refs) throws Exception {
        NixHash hash = new NixHash(MessageDigest.getInstance("SHA-256").digest(content));
        NarFile file = new NarFile(hash, Compression.NONE);
        Path spool = await(store.createSpoolFile());
        Files.write(spool, content);
        await(store.publish(spool, file));
        NarInfo info = new NarInfo(path, file, content.length, hash, content.length, List.of(refs), null, null,
                List.of(), null);
        return await(narInfos.publishing().publish(info));
    }

    static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }


    /** Another replica is always sweeping. */
    static final ExclusiveRuns ALWAYS_TAKEN = new ExclusiveRuns() {
        @Override
        public <T> java.util.concurrent.CompletionStage<Optional<T>> runIfFree(String name,
                                                                              Supplier<java.util.concurrent.CompletionStage<T>> work) {
            return java.util.concurrent.CompletableFuture.completedFuture(Optional.empty());
        }
    };

    @Test
    void whileAnotherReplicaSweepsNothingIsDeletedHereAndTheNextSweepRuns() throws Exception {
        StorePath junk = path('c', "junk");
        NarInfo junkInfo = push(junk, "junk".getBytes(StandardCharsets.UTF_8));
        clock.advance(Duration.ofDays(2));
        collector.shareWith(ALWAYS_TAKEN);

        ExecutionException refused = assertThrows(ExecutionException.class, () -> await(collector.collect(false)));

        assertTrue(refused.getCause() instanceof dev.cacheserver.domain.error.ConflictException, refused.toString());
        assertTrue(refused.getCause().getMessage().contains("another replica"), refused.getCause().getMessage());
        assertTrue(await(repository.find(MAIN, junk.hash())).isPresent(), "not swept here");
        assertTrue(await(store.locate(junkInfo.narFile())).isPresent());

        collector.shareWith(ExclusiveRuns.LOCAL);
        assertEquals(List.of(junk.hash()), await(collector.collect(false)).removedPaths(), "the claim was let go");
    }
}
