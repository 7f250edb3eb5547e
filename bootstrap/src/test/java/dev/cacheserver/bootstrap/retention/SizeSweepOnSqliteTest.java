package dev.cacheserver.bootstrap.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.adapters.persistence.SqliteDatabase;
import dev.cacheserver.adapters.persistence.SqliteNarInfoRepository;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.application.port.in.GcReport;
import dev.cacheserver.application.retention.GarbageCollector;
import dev.cacheserver.application.retention.Retention;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.Nix32;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryNarInfoRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryNarStore;
import dev.cacheserver.domain.port.inmemory.InMemoryPinRepository;
import dev.cacheserver.domain.port.inmemory.PlainNarContentHasher;
import dev.cacheserver.domain.retention.RetentionPolicy;
import dev.cacheserver.domain.signing.SecretSigningKey;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The size sweep over SQLite with several pages of paths (more than one page of kept paths, closures crossing
 * pages, ties in access time): it evicts exactly what the in-memory repository, which walks every closure path by
 * path, evicts; what stays is closure-complete and within the limit, and the least recently read go first.
 */
@Timeout(300)
class SizeSweepOnSqliteTest {
    static final CacheName MAIN = new CacheName("main");
    static final int PATHS = 3000;
    static final Instant SAVED = Instant.parse("2026-01-01T00:00:00Z");
    @TempDir
    Path dir;
    final Vertx vertx = Vertx.vertx();

    @AfterEach
    void tearDown() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    @Test
    void evictsTheLeastRecentlyReadClosuresLikeThePathByPathModel() throws Exception {
        List<NarInfo> paths = new ArrayList<>();
        Map<StorePathHash, Instant> readAt = new HashMap<>();
        Random random = new Random(7);
        for (int i = 0; i < PATHS; i++) {
            List<StorePath> refs = new ArrayList<>();
            if (i > 0 && random.nextBoolean()) {
                refs.add(paths.get(i - 1).storePath());
            }
            if (i > 10 && random.nextInt(4) == 0) {
                refs.add(paths.get(random.nextInt(i)).storePath());
            }
            // Every fifth path shares its NAR file with the previous one: counted once.
            String fileSeed = i % 5 == 4 ? "file" + (i - 1) : "file" + i;
            paths.add(narInfo("p" + i, fileSeed, 1000 + (fileSeed.hashCode() & 0xff), refs));
            // Pairs of paths read at the same instant: ties go in hash order.
            readAt.put(paths.get(i).storePath().hash(), SAVED.plusSeconds(1 + random.nextInt(PATHS / 2) * 2L));
        }

        SqliteDatabase database = SqliteDatabase.open(vertx, dir.resolve("db.sqlite")).await(60, TimeUnit.SECONDS);
        try {
            Clock saving = Clock.fixed(SAVED, ZoneOffset.UTC);
            Set<StorePathHash> onSqlite = sweep(new SqliteNarInfoRepository(database, saving), paths, readAt);
            Set<StorePathHash> inModel = sweep(new InMemoryNarInfoRepository(saving), paths, readAt);
            assertEquals(inModel, onSqlite, "SQLite evicts what the path-by-path model evicts");
            assertTrue(onSqlite.size() > PATHS / 4 && onSqlite.size() < PATHS, "evicted " + onSqlite.size());
        } finally {
            database.close().await(60, TimeUnit.SECONDS);
        }
    }

    /** Stores {@code paths}, sweeps to half their bytes, checks what stays; returns what went. */
    private Set<StorePathHash> sweep(NarInfoRepository repository, List<NarInfo> paths,
                                     Map<StorePathHash, Instant> readAt) throws Exception {
        for (NarInfo info : paths) {
            await(repository.save(MAIN, info));
        }
        await(repository.touch(MAIN, readAt));
        long stored = await(repository.storedBytes(MAIN));
        CacheProfile profile = new CacheProfile(MAIN, true, SecretSigningKey.generate("main-1"),
                URI.create("http://127.0.0.1:1"), 30);
        InMemoryNarStore store = new InMemoryNarStore(dir.resolve("nars-" + repository.getClass().getSimpleName()));
        NarInfoService narInfos = new NarInfoService(profile, repository, store, new PlainNarContentHasher(),
                Clock.systemUTC());
        GarbageCollector collector = Retention.collector(profile, narInfos.accessTimes(), narInfos.removal(),
                repository, store, new InMemoryPinRepository(), RetentionPolicy.FOREVER, Duration.ofHours(1),
                Clock.systemUTC());
        collector.limitSize(OptionalLong.of(stored / 2));

        GcReport report = await(collector.collect(false));

        assertTrue(report.storedBytesAfter() <= stored / 2, report.storedBytesAfter() + " > " + stored / 2);
        Set<StorePathHash> evicted = new HashSet<>(report.sizeEvictedPaths());
        Instant newestEvicted = Instant.MIN;
        for (StorePathHash hash : evicted) {
            newestEvicted = readAt.get(hash).isAfter(newestEvicted) ? readAt.get(hash) : newestEvicted;
        }
        Set<StorePathHash> referencedByKept = new HashSet<>();
        for (NarInfo info : paths) {
            if (!evicted.contains(info.storePath().hash())) {
                for (StorePath ref : info.references()) {
                    assertTrue(await(repository.find(MAIN, ref.hash())).isPresent(),
                            "closure-safe: " + info.storePath() + " still has " + ref);
                    if (!ref.hash().equals(info.storePath().hash())) {
                        referencedByKept.add(ref.hash());
                    }
                }
            }
        }
        for (NarInfo info : paths) {
            StorePathHash hash = info.storePath().hash();
            if (!evicted.contains(hash) && !referencedByKept.contains(hash)) {
                assertTrue(!readAt.get(hash).isBefore(newestEvicted),
                        "kept for its own reads, so read no earlier than any evicted path: " + info.storePath());
            }
        }
        return evicted;
    }

    private static NarInfo narInfo(String seed, String fileSeed, long fileSize, List<StorePath> refs) throws Exception {
        StorePath path = StorePath.parse(Nix32.encode(java.util.Arrays.copyOf(sha256(seed), 20)) + "-" + seed);
        NarFile file = new NarFile(new NixHash(sha256(fileSeed)), Compression.XZ);
        return new NarInfo(path, file, fileSize, new NixHash(sha256(seed + "/nar")), 5000, refs, null, null,
                List.of(), null);
    }

    private static byte[] sha256(String text) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(2, TimeUnit.MINUTES);
    }
}
