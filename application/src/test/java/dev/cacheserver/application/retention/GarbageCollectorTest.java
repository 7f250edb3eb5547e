package dev.cacheserver.application.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.application.port.in.GcReport;
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

/** Sweeps with a clock the test moves: access-based expiry, closure safety, pins, orphans, dry runs. */
class GarbageCollectorTest {
    static final CacheName MAIN = new CacheName("main");

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
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

    @Test
    void deletesUnreadUnreferencedPathsAndTheirNarsButKeepsClosuresOfReadPaths() throws Exception {
        StorePath lib = path('b', "lib");
        StorePath app = path('a', "app");
        StorePath junk = path('c', "junk");
        NarInfo libInfo = push(lib, "lib".getBytes(StandardCharsets.UTF_8));
        push(app, "app".getBytes(StandardCharsets.UTF_8), lib);
        NarInfo junkInfo = push(junk, "junk".getBytes(StandardCharsets.UTF_8));
        clock.advance(Duration.ofDays(2));
        assertTrue(await(narInfos.serving().lookup(app.hash())).isPresent(), "a client reads app (and would fetch lib)");

        GcReport report = await(collector.collect(false));

        assertEquals(List.of(junk.hash()), report.removedPaths());
        assertEquals(1, report.removedNars());
        assertTrue(await(narInfos.serving().lookup(junk.hash())).isEmpty());
        assertTrue(await(repository.find(MAIN, junk.hash())).isEmpty());
        assertTrue(await(store.locate(junkInfo.narFile())).isEmpty(), "its NAR is deleted");
        assertTrue(await(narInfos.serving().lookup(lib.hash())).isPresent(), "lib stays: app, which was read, references it");
        assertTrue(await(store.locate(libInfo.narFile())).isPresent());
    }

    @Test
    void everythingUnreadGoesOnceTheWindowPassesButPinsStay() throws Exception {
        StorePath pinned = path('d', "pinned");
        StorePath other = path('f', "other");
        push(pinned, "p".getBytes(StandardCharsets.UTF_8));
        push(other, "o".getBytes(StandardCharsets.UTF_8));
        await(pins.add(new Pin(MAIN, "release", pinned, List.of(), new Pin.Keep(Pin.Keep.Kind.FOREVER, 0),
                clock.instant())));
        clock.advance(Duration.ofHours(23));
        assertEquals(List.of(), await(collector.collect(false)).removedPaths(), "inside the window nothing goes");
        clock.advance(Duration.ofHours(2));
        assertEquals(List.of(other.hash()), await(collector.collect(false)).removedPaths());
        assertTrue(await(narInfos.serving().lookup(pinned.hash())).isPresent());
    }

    @Test
    void aRepushCountsAsAnAccess() throws Exception {
        StorePath p = path('g', "again");
        push(p, "x".getBytes(StandardCharsets.UTF_8));
        clock.advance(Duration.ofDays(2));
        push(p, "x".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(), await(collector.collect(false)).removedPaths());
    }

    @Test
    void dryRunReportsWithoutDeleting() throws Exception {
        StorePath p = path('h', "old");
        NarInfo info = push(p, "old".getBytes(StandardCharsets.UTF_8));
        clock.advance(Duration.ofDays(3));
        GcReport report = await(collector.collect(true));
        assertTrue(report.dryRun());
        assertEquals(List.of(p.hash()), report.removedPaths());
        assertTrue(await(narInfos.serving().lookup(p.hash())).isPresent());
        assertTrue(await(store.locate(info.narFile())).isPresent());
    }

    @Test
    void orphanNarsOlderThanTheBoundAreDeletedYoungOnesKept() throws Exception {
        byte[] content = "orphan".getBytes(StandardCharsets.UTF_8);
        NarFile file = new NarFile(new NixHash(MessageDigest.getInstance("SHA-256").digest(content)), Compression.NONE);
        Path spool = await(store.createSpoolFile());
        Files.write(spool, content);
        await(store.publish(spool, file));
        clock.set(Instant.now().plus(Duration.ofMinutes(30)));
        assertEquals(0, await(collector.collect(false)).orphanNars(), "an upload whose narinfo may still come");
        clock.set(Instant.now().plus(Duration.ofHours(2)));
        GcReport report = await(collector.collect(false));
        assertEquals(1, report.orphanNars());
        assertFalse(await(store.locate(file)).isPresent());
    }

    @Test
    void sharedNarsStayWhileAnotherPathUsesThem() throws Exception {
        byte[] same = "same".getBytes(StandardCharsets.UTF_8);
        StorePath a = path('i', "one");
        StorePath b = path('j', "two");
        NarInfo first = push(a, same);
        push(b, same);
        clock.advance(Duration.ofDays(2));
        await(narInfos.serving().lookup(b.hash()));
        GcReport report = await(collector.collect(false));
        assertEquals(Set.of(a.hash()), Set.copyOf(report.removedPaths()));
        assertEquals(0, report.removedNars(), "b still uses the NAR");
        assertTrue(await(store.locate(first.narFile())).isPresent());
    }

    @Test
    void overTheSizeLimitTheLeastRecentlyReadClosureGoesFirstAndWholly() throws Exception {
        StorePath oldLib = path('k', "old-lib");
        StorePath oldApp = path('l', "old-app");
        StorePath newLib = path('m', "new-lib");
        StorePath newApp = path('n', "new-app");
        push(oldLib, filled(100, 1));
        push(oldApp, filled(101, 2), oldLib);
        push(newLib, filled(102, 3));
        push(newApp, filled(103, 4), newLib);
        clock.advance(Duration.ofHours(1));
        await(narInfos.serving().lookup(oldApp.hash()));
        clock.advance(Duration.ofHours(1));
        await(narInfos.serving().lookup(newApp.hash()));
        collector.limitSize(java.util.OptionalLong.of(300));

        GcReport dry = await(collector.collect(true));
        assertEquals(Set.of(oldLib.hash(), oldApp.hash()), Set.copyOf(dry.sizeEvictedPaths()), "why: size");
        assertEquals(2, dry.sizeEvictedCount());
        assertEquals(0, dry.expiredCount());
        assertEquals(406, dry.storedBytesBefore());
        assertTrue(await(repository.find(MAIN, oldLib.hash())).isPresent(), "a dry run deletes nothing");

        GcReport report = await(collector.collect(false));
        assertEquals(Set.of(oldLib.hash(), oldApp.hash()), Set.copyOf(report.removedPaths()));
        assertEquals(2, report.removedNars());
        assertEquals(205, report.storedBytesAfter());
        assertTrue(await(narInfos.serving().lookup(newLib.hash())).isPresent(), "the kept closure is whole");
        assertTrue(await(narInfos.serving().lookup(oldLib.hash())).isEmpty());
    }

    @Test
    void aPathReferencedByAKeptPathStaysHoweverOldItsOwnAccess() throws Exception {
        StorePath lib = path('p', "lib");
        StorePath app = path('q', "app");
        StorePath other = path('r', "other");
        push(lib, filled(100, 5));
        push(other, filled(100, 6));
        clock.advance(Duration.ofMinutes(5));
        push(app, filled(100, 7), lib);
        clock.advance(Duration.ofMinutes(1));
        collector.limitSize(java.util.OptionalLong.of(250));

        GcReport report = await(collector.collect(false));

        assertEquals(List.of(other.hash()), report.removedPaths(), "lib is older than other but app needs it");
        assertEquals(1, report.sizeEvictedCount());
    }

    @Test
    void pinsKeepTheirClosuresOverTheLimitAndUnderItNothingGoesForSize() throws Exception {
        StorePath lib = path('s', "pinned-lib");
        StorePath pinned = path('v', "pinned");
        StorePath recent = path('w', "recent");
        push(lib, filled(100, 8));
        push(pinned, filled(100, 9), lib);
        await(pins.add(new Pin(MAIN, "release", pinned, List.of(), new Pin.Keep(Pin.Keep.Kind.FOREVER, 0),
                clock.instant())));
        clock.advance(Duration.ofMinutes(5));
        push(recent, filled(100, 10));
        clock.advance(Duration.ofMinutes(1));
        collector.limitSize(java.util.OptionalLong.of(300));
        assertEquals(List.of(), await(collector.collect(false)).removedPaths(), "300 bytes fit a 300-byte limit");

        collector.limitSize(java.util.OptionalLong.of(250));
        GcReport report = await(collector.collect(false));

        assertEquals(List.of(recent.hash()), report.removedPaths(), "the pin's closure is kept though older");
        assertTrue(await(narInfos.serving().lookup(lib.hash())).isPresent());
    }

    @Test
    void pathsOutsideTheWindowGoForAgeThoseInsideForSize() throws Exception {
        StorePath ancient = path('x', "ancient");
        StorePath older = path('y', "older");
        StorePath newer = path('z', "newer");
        push(ancient, filled(100, 11));
        clock.advance(Duration.ofDays(2));
        push(older, filled(100, 12));
        clock.advance(Duration.ofHours(1));
        push(newer, filled(100, 13));
        clock.advance(Duration.ofMinutes(1));
        collector.limitSize(java.util.OptionalLong.of(150));

        GcReport report = await(collector.collect(true));

        assertEquals(Set.of(ancient.hash(), older.hash()), Set.copyOf(report.removedPaths()));
        assertEquals(List.of(older.hash()), report.sizeEvictedPaths());
        assertEquals(1, report.expiredCount());
    }


    /** {@code size} bytes, distinct per {@code seed}: every path gets its own NAR. */
    static byte[] filled(int size, int seed) {
        byte[] bytes = new byte[size];
        java.util.Arrays.fill(bytes, (byte) seed);
        return bytes;
    }

    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
