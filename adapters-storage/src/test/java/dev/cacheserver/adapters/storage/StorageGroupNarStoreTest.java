package dev.cacheserver.adapters.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.error.PayloadTooLargeException;
import dev.cacheserver.domain.error.StorageFullException;
import dev.cacheserver.domain.error.UnavailableException;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.port.inmemory.InMemoryNarPlacementRepository;
import dev.cacheserver.domain.storage.Capacity;
import dev.cacheserver.domain.storage.PlacementStrategy;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The NarStore contract on a group of two local storages, then placement, persistence and failover. */
class StorageGroupNarStoreTest extends NarStoreContract {
    static final CacheName CACHE = new CacheName("main");
    static Vertx vertx;
    InMemoryNarPlacementRepository repository;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        await(vertx.close().toCompletionStage());
    }

    @Override
    protected NarStore openStore(Path directory) throws Exception {
        repository = new InMemoryNarPlacementRepository();
        return group("round-robin", member("a", Capacity.UNLIMITED, 0), member("b", Capacity.UNLIMITED, 0));
    }

    StorageGroupNarStore.Member member(String name, Capacity capacity, int split) throws Exception {
        Path root = directory.resolve(name);
        return new StorageGroupNarStore.Member(name, "local", await(LocalNarStore.open(vertx, root).toCompletionStage()),
                capacity, split, Optional.of(root));
    }

    StorageGroupNarStore group(String strategy, StorageGroupNarStore.Member... members) throws Exception {
        return await(StorageGroupNarStore.open(vertx, CACHE, List.of(members), PlacementStrategy.named(strategy),
                repository).toCompletionStage());
    }

    /** Publishes {@code count} distinct NARs of {@code size} bytes; returns where each landed. */
    static List<String> push(StorageGroupNarStore group, int count, int size, String seed) throws Exception {
        List<String> landed = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] content = bytes(seed + i, size);
            NarFile file = narFile(content);
            Path spool = await(group.createSpoolFile());
            Files.write(spool, content);
            await(group.publish(spool, file));
            landed.add(await(group.storageOf(file)).orElseThrow());
        }
        return landed;
    }

    static Map<String, Integer> count(List<String> landed) {
        Map<String, Integer> counts = new HashMap<>();
        landed.forEach(s -> counts.merge(s, 1, Integer::sum));
        return counts;
    }

    @Test
    void roundRobinAlternatesAndContinuesAfterARestart() throws Exception {
        StorageGroupNarStore group = group("round-robin", member("x", Capacity.UNLIMITED, 0),
                member("y", Capacity.UNLIMITED, 0), member("z", Capacity.UNLIMITED, 0));

        List<String> first = push(group, 4, 100, "rr");
        // Reads must not move the position.
        for (int i = 0; i < 5; i++) {
            await(group.locate(narFile(bytes("rr0", 100))));
            await(group.usage());
        }
        StorageGroupNarStore reopened = group("round-robin", member("x", Capacity.UNLIMITED, 0),
                member("y", Capacity.UNLIMITED, 0), member("z", Capacity.UNLIMITED, 0));
        List<String> second = push(reopened, 2, 100, "after restart");

        assertEquals(List.of("x", "y", "z", "x"), first);
        assertEquals(List.of("y", "z"), second);
        assertTrue(Files.exists(directory.resolve("z").resolve(narFile(bytes("rr2", 100)).fileName())));
    }

    @Test
    void inOrderMovesOnWhenMaxSizeIsReached() throws Exception {
        StorageGroupNarStore group = group("in-order",
                member("small", new Capacity(OptionalLong.of(2500), OptionalLong.empty()), 0),
                member("big", Capacity.UNLIMITED, 0));

        assertEquals(List.of("small", "small", "big", "big"), push(group, 4, 1000, "fill"));
        assertTrue(group.usageByStorage().get(0).bytes() <= 2500);
    }

    @Test
    void inOrderHonoursMinFreeOfTheFilesystem() throws Exception {
        long free = Files.getFileStore(directory).getUsableSpace();
        StorageGroupNarStore group = group("in-order",
                member("nearly-full", new Capacity(OptionalLong.empty(), OptionalLong.of(free + (1L << 30))), 0),
                member("roomy", Capacity.UNLIMITED, 0));

        assertEquals(List.of("roomy", "roomy"), push(group, 2, 1000, "free"));
    }

    @Test
    void splitAndLeastUsedPlaceByTheirRules() throws Exception {
        StorageGroupNarStore split = group("split", member("s70", Capacity.UNLIMITED, 70),
                member("s30", Capacity.UNLIMITED, 30));
        assertEquals(Map.of("s70", 70, "s30", 30), count(push(split, 100, 64, "split")));

        repository = new InMemoryNarPlacementRepository();
        StorageGroupNarStore leastUsed = group("least-used", member("l1", Capacity.UNLIMITED, 0),
                member("l2", Capacity.UNLIMITED, 0));
        push(leastUsed, 1, 10_000, "big one");
        assertEquals(Map.of("l2", 5), count(push(leastUsed, 5, 1000, "small ones")));
    }

    @Test
    void everyStorageFullIs507AndLeavesNothingBehind() throws Exception {
        StorageGroupNarStore group = group("in-order",
                member("tiny", new Capacity(OptionalLong.of(100), OptionalLong.empty()), 0));
        byte[] content = bytes("too big", 1000);
        Path spool = spool(group, content);

        assertInstanceOf(StorageFullException.class, failureOf(group.publish(spool, narFile(content))));

        assertFalse(Files.exists(spool));
        assertEquals(new NarStore.StorageUsage(0, 0), await(group.usage()));
    }

    @Test
    void aFailingStorageIsSkippedAndTheNarLandsInTheNext() throws Exception {
        StorageGroupNarStore.Member broken = failing(member("broken", Capacity.UNLIMITED, 0));
        StorageGroupNarStore group = group("in-order", broken, member("good", Capacity.UNLIMITED, 0));
        byte[] content = bytes("survivor", 5000);
        NarFile file = narFile(content);

        await(group.publish(spool(group, content), file));

        assertEquals(Optional.of("good"), await(group.storageOf(file)));
        assertArrayEqualsBytes(content, await(group.locate(file)).orElseThrow());
        assertEquals(List.of(), List.of(directory.resolve("broken").toFile().list((d, n) -> n.endsWith(".zst"))));
    }

    @Test
    void whenEveryStorageFailsTheUploadIsUnavailableAndNothingIsLeft() throws Exception {
        StorageGroupNarStore group = group("round-robin", failing(member("f1", Capacity.UNLIMITED, 0)),
                failing(member("f2", Capacity.UNLIMITED, 0)));
        byte[] content = bytes("nowhere", 5000);
        Path spool = spool(group, content);

        assertInstanceOf(UnavailableException.class, failureOf(group.publish(spool, narFile(content))));

        assertEquals(Optional.empty(), await(group.locate(narFile(content))));
        for (String dir : List.of("f1", "f2")) {
            try (var files = Files.walk(directory.resolve(dir))) {
                assertEquals(0, files.filter(Files::isRegularFile).count(), dir + " is empty");
            }
        }
    }

    @Test
    void aStorageOutOfSpaceIsSkippedReportedFullAndTheNarLandsInTheNext() throws Exception {
        // Test double at the store level (the e2e StorageFullTest uses a real tmpfs): publish fails with ENOSPC.
        StorageGroupNarStore group = group("in-order", diskFull(member("small", Capacity.UNLIMITED, 0)),
                member("big", Capacity.UNLIMITED, 0));
        byte[] content = bytes("needs room", 5000);
        NarFile file = narFile(content);

        await(group.publish(spool(group, content), file));

        assertEquals(Optional.of("big"), await(group.storageOf(file)));
        assertEquals(List.of("small"), group.outOfSpaceStorages());
        assertTrue(group.usageByStorage().get(0).full(), "the metric says small is full");
        assertEquals(List.of("big"), push(group, 1, 10, "next"), "small takes no new NAR for a while");
    }

    @Test
    void aSpoolWriteOutOfSpaceIs507NamingTheStorageAndLeavesNoSpool() throws Exception {
        StorageGroupNarStore group = group("in-order", member("only", Capacity.UNLIMITED, 0));
        Path spool = spool(group, bytes("half", 100));
        java.io.IOException enospc = new java.io.IOException(spool + ": No space left on device");

        Throwable reported = await(group.abandon(spool, new java.io.UncheckedIOException(enospc)));

        assertInstanceOf(StorageFullException.class, reported);
        assertTrue(reported.getMessage().contains("storage 'only' of cache main is full"), reported.getMessage());
        assertFalse(Files.exists(spool), "nothing half-written is left");
        assertEquals(List.of("only"), group.outOfSpaceStorages());
        StorageFullException next = assertInstanceOf(StorageFullException.class, failureOf(group.createSpoolFile()));
        assertTrue(next.getMessage().contains("only"), "refused before the body is read: " + next.getMessage());
    }

    @Test
    void anotherSpoolFailureIsReportedUnchanged() throws Exception {
        StorageGroupNarStore group = group("in-order", member("only", Capacity.UNLIMITED, 0));
        Path spool = spool(group, bytes("cut", 100));
        IllegalStateException reset = new IllegalStateException("connection reset");

        assertEquals(reset, await(group.abandon(spool, reset)));
        assertEquals(List.of(), group.outOfSpaceStorages());
    }

    @Test
    void narsFoundInALocalStorageAreAdoptedAtOpen() throws Exception {
        byte[] content = bytes("from an older version", 700);
        NarFile file = narFile(content);
        Files.createDirectories(directory.resolve("old"));
        Files.write(directory.resolve("old").resolve(file.fileName()), content);

        StorageGroupNarStore group = group("round-robin", member("new", Capacity.UNLIMITED, 0),
                member("old", Capacity.UNLIMITED, 0));
        await(group.reconciled());

        assertEquals(Optional.of("old"), await(group.storageOf(file)));
        assertEquals(new NarStore.StorageUsage(700, 1), await(group.usage()));
        assertEquals(List.of("new"), push(group, 1, 10, "next"), "adopting is no write: round-robin starts at new");
    }

    @Test
    void aDeclaredSizeLargerThanTheFreeSpaceOfEveryStorageIsRefusedBeforeAnythingIsWritten() throws Exception {
        StorageGroupNarStore group = group("round-robin", member("a", Capacity.UNLIMITED, 0),
                member("b", Capacity.UNLIMITED, 0));
        long free = Files.getFileStore(directory).getUsableSpace();

        Throwable refused = failureOf(group.admit(free + (1L << 40)));

        assertInstanceOf(PayloadTooLargeException.class, refused);
        assertTrue(refused.getMessage().contains("larger than the free space of every storage of cache"),
                refused.getMessage());
        await(group.admit(1024));
        assertEquals(new NarStore.StorageUsage(0, 0), await(group.usage()));
    }

    @Test
    void recordsOfLocalFilesThatAreGoneAreDroppedAfterOpen() throws Exception {
        StorageGroupNarStore group = group("round-robin", member("a", Capacity.UNLIMITED, 0));
        List<NarFile> files = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] content = bytes("kept or not " + i, 100);
            files.add(narFile(content));
            await(group.publish(spool(group, content), files.get(i)));
        }
        Files.delete(directory.resolve("a").resolve(files.get(1).fileName()));

        StorageGroupNarStore reopened = group("round-robin", member("a", Capacity.UNLIMITED, 0));
        await(reopened.reconciled());

        assertEquals(Optional.empty(), await(reopened.locate(files.get(1))), "the vanished NAR is not offered");
        assertEquals(Optional.of("a"), await(reopened.storageOf(files.get(0))));
        assertEquals(new NarStore.StorageUsage(200, 2), await(reopened.usage()));
    }

    @Test
    void placementsAreReadWhenAskedForAndOnlyABoundedNumberStayInMemory() throws Exception {
        int recorded = StorageGroupNarStore.PLACEMENT_CACHE + 1000;
        List<NarFile> files = new ArrayList<>();
        for (int i = 0; i < recorded; i++) {
            NarFile file = narFile(bytes("recorded earlier " + i, 40));
            files.add(file);
            await(repository.recordPublished(CACHE, "far", file, 10, true));
        }

        // Not a local storage: nothing is walked at open, every placement comes from the repository.
        StorageGroupNarStore group = group("in-order", failing(member("far", Capacity.UNLIMITED, 0)));
        await(group.reconciled());

        assertEquals(0, group.placementsInMemory(), "nothing is loaded at open");
        assertEquals(new NarStore.StorageUsage(10L * recorded, recorded), await(group.usage()));
        for (NarFile file : files) {
            assertEquals(Optional.of("far"), await(group.storageOf(file)), file.fileName());
        }
        assertTrue(group.placementsInMemory() <= StorageGroupNarStore.PLACEMENT_CACHE,
                "held in memory: " + group.placementsInMemory());
        assertEquals(Optional.empty(), await(group.storageOf(narFile(bytes("never recorded", 20)))));
    }

    private static void assertArrayEqualsBytes(byte[] expected, NarLocation location) throws Exception {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, read(location));
    }

    private static Path spool(StorageGroupNarStore group, byte[] content) throws Exception {
        Path spool = await(group.createSpoolFile());
        Files.write(spool, content);
        return spool;
    }

    /** A storage whose writes fail the way an unreachable S3 does, leaving the spool file in place. */
    private static StorageGroupNarStore.Member failing(StorageGroupNarStore.Member real) {
        return withPublishFailure(real, new UnavailableException("storage down"));
    }

    /** A local storage whose filesystem is full: the rename's copy fails with ENOSPC, the spool stays. */
    private static StorageGroupNarStore.Member diskFull(StorageGroupNarStore.Member real) {
        return withPublishFailure(real, StorageFailures.wrap("publish",
                new java.io.IOException("/srv/nars/x.nar.zst: No space left on device")));
    }

    private static StorageGroupNarStore.Member withPublishFailure(StorageGroupNarStore.Member real, Throwable failure) {
        NarStore store = real.store();
        NarStore broken = new NarStore() {
            public CompletionStage<Path> createSpoolFile() {
                return store.createSpoolFile();
            }

            public CompletionStage<Void> publish(Path spool, NarFile file) {
                return CompletableFuture.failedFuture(failure);
            }

            public CompletionStage<Void> discard(Path spool) {
                return store.discard(spool);
            }

            public CompletionStage<Optional<NarLocation>> locate(NarFile file) {
                return store.locate(file);
            }

            public CompletionStage<Boolean> delete(NarFile file) {
                return store.delete(file);
            }

            public CompletionStage<StorageUsage> usage() {
                return store.usage();
            }
        };
        return new StorageGroupNarStore.Member(real.name(), real.type(), broken, real.capacity(), real.splitPercent(),
                real.localRoot());
    }
}
