import dev.cacheserver.adapters.persistence.SqliteDatabase;
import dev.cacheserver.adapters.persistence.SqliteNarInfoRepository;
import dev.cacheserver.adapters.persistence.SqlitePinRepository;
import dev.cacheserver.adapters.storage.DecompressingNarContentHasher;
import dev.cacheserver.adapters.storage.LocalNarStore;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.admin.Administration;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.ManageStorePaths;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import dev.cacheserver.application.retention.GarbageCollector;
import dev.cacheserver.application.port.in.GcReport;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.retention.RetentionPolicy;
import dev.cacheserver.domain.signing.SecretSigningKey;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Path listing and a size-bounded sweep on SQLite with the real repository, use case and sweep code: N paths
 * (bulk-inserted, 1000-byte NARs, half of them referencing the previous one, access times spread over a day), then
 * the whole listing in pages of 1000 (as {@code path list} does), a filtered listing, and a sweep with max-size at
 * half the stored bytes. Run with a small heap to see that neither holds the cache in memory.
 *
 * usage: java -Xmx64m -cp CLASSPATH bench/PathAdmin.java [PATHS [list-only]]   (default 1000000)
 */
public class PathAdmin {
    static final String ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = Files.createTempDirectory("path-admin");
        Path db = dir.resolve("db.sqlite");
        Vertx vertx = Vertx.vertx();
        SqliteDatabase.open(vertx, db).await(60, TimeUnit.SECONDS).close().await(60, TimeUnit.SECONDS);
        Random random = new Random(1);
        long now = System.currentTimeMillis();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO narinfo (cache, hash, store_path, file_hash,"
                    + " compression, file_size, nar_hash, nar_size, refs, deriver, system, ca, sigs, created_at,"
                    + " last_accessed_at) VALUES ('main', ?, ?, ?, 'zstd', 1000, ?, 2000, ?, NULL, NULL, NULL, ?, ?, ?)")) {
                String sig = "main-1:" + java.util.Base64.getEncoder().encodeToString(new byte[64]);
                String previous = null;
                for (int i = 0; i < n; i++) {
                    String hash = nix32(random, 32);
                    String name = hash + "-path-" + i;
                    long at = now - Duration.ofDays(1).toMillis() + random.nextInt(86_400_000);
                    insert.setString(1, hash);
                    insert.setString(2, "/nix/store/" + name);
                    insert.setString(3, "sha256:" + nix32(random, 52));
                    insert.setString(4, "sha256:" + nix32(random, 52));
                    insert.setString(5, previous != null && random.nextBoolean() ? previous : "");
                    insert.setString(6, sig);
                    insert.setLong(7, at);
                    insert.setLong(8, at);
                    insert.addBatch();
                    if (i % 10_000 == 9_999) {
                        insert.executeBatch();
                    }
                    previous = name;
                }
                insert.executeBatch();
            }
            c.commit();
        }
        SqliteDatabase database = SqliteDatabase.open(vertx, db).await(60, TimeUnit.SECONDS);
        LocalNarStore store = LocalNarStore.open(vertx, dir.resolve("nars")).await(60, TimeUnit.SECONDS);
        java.util.Map<String, long[]> timings = new java.util.concurrent.ConcurrentHashMap<>();
        SqliteNarInfoRepository sqlite = new SqliteNarInfoRepository(database);
        // Times every repository call to its completion, to show where a sweep spends its time.
        dev.cacheserver.domain.port.NarInfoRepository repository = (dev.cacheserver.domain.port.NarInfoRepository)
                java.lang.reflect.Proxy.newProxyInstance(PathAdmin.class.getClassLoader(),
                        new Class<?>[] {dev.cacheserver.domain.port.NarInfoRepository.class}, (proxy, method, margs) -> {
                            long start = System.nanoTime();
                            Object result = method.invoke(sqlite, margs);
                            if (result instanceof java.util.concurrent.CompletionStage<?> stage) {
                                return stage.whenComplete((r, e) -> timings.computeIfAbsent(method.getName(),
                                        k -> new long[2])[0] += System.nanoTime() - start);
                            }
                            return result;
                        });
        CacheProfile profile = new CacheProfile(new CacheName("main"), true, SecretSigningKey.generate("main-1"),
                URI.create("http://127.0.0.1:1"), 30);
        NarInfoService narInfos = new NarInfoService(profile, repository, store, new DecompressingNarContentHasher(vertx),
                Clock.systemUTC(), 16L << 20, true);
        SqlitePinRepository pins = new SqlitePinRepository(database);
        AccessPolicy access = new AccessPolicy(new Hs256Tokens(new byte[32]), Clock.systemUTC());
        Caller operator = Caller.withToken(access.issue(new TokenClaims("*", Permission.ADMIN, null, null)));
        ManageStorePaths admin = Administration.manageStorePaths(List.of(new Administration.CacheParts(profile, repository,
                narInfos.removal(), store, pins)), access);

        long t0 = System.nanoTime();
        long listed = 0;
        Optional<StorePathHash> after = Optional.empty();
        while (true) {
            List<StorePath> page = admin.list(new ManageStorePaths.ListCommand(operator, "main", "",
                    after.map(StorePathHash::value), 1000)).toCompletableFuture().get(1, TimeUnit.MINUTES);
            if (page.isEmpty()) {
                break;
            }
            listed += page.size();
            after = Optional.of(page.get(page.size() - 1).hash());
        }
        long t1 = System.nanoTime();
        long matched = 0;
        after = Optional.empty();
        while (true) {
            List<StorePath> page = admin.list(new ManageStorePaths.ListCommand(operator, "main",
                    "-path-12345", after.map(StorePathHash::value), 1000)).toCompletableFuture().get(5, TimeUnit.MINUTES);
            if (page.isEmpty()) {
                break;
            }
            matched += page.size();
            after = Optional.of(page.get(page.size() - 1).hash());
        }
        long t2 = System.nanoTime();
        long stored = repository.storedBytes(profile.name()).toCompletableFuture().get(5, TimeUnit.MINUTES);
        if (args.length > 1 && args[1].equals("list-only")) {
            System.out.printf("%d paths: listed %d in %.1f s (pages of 1000); filtered listing (%d matches) %.1f s;"
                    + " stored bytes %d in %.2f s; heap max %d MiB%n", n, listed, (t1 - t0) / 1e9, matched,
                    (t2 - t1) / 1e9, stored, (System.nanoTime() - t2) / 1e9, Runtime.getRuntime().maxMemory() >> 20);
            System.exit(0);
        }
        long t3 = System.nanoTime();
        GarbageCollector collector = dev.cacheserver.application.retention.Retention.collector(profile, narInfos.accessTimes(), narInfos.removal(), repository,
                store, pins, RetentionPolicy.FOREVER, Duration.ofHours(1), Clock.systemUTC());
        collector.limitSize(OptionalLong.of(stored / 2));
        GcReport report = collector.collect(false).toCompletableFuture().get(60, TimeUnit.MINUTES);
        long t4 = System.nanoTime();
        Runtime rt = Runtime.getRuntime();
        System.out.printf("%d paths: listed %d in %.1f s (pages of 1000); filtered listing (%d matches) %.1f s;"
                        + " stored bytes %d in %.2f s; size sweep to %d bytes: %d evicted in %.1f s, %d bytes after;"
                        + " heap max %d MiB%n", n, listed, (t1 - t0) / 1e9, matched, (t2 - t1) / 1e9, stored,
                (t3 - t2) / 1e9, stored / 2, report.sizeEvictedCount(), (t4 - t3) / 1e9, report.storedBytesAfter(),
                rt.maxMemory() >> 20);
        timings.forEach((name, t) -> System.out.printf("  %s: %.1f s%n", name, t[0] / 1e9));
        database.close().await(60, TimeUnit.SECONDS);
        vertx.close().await(60, TimeUnit.SECONDS);
    }

    static String nix32(Random random, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(i == 0 && length == 52 ? 2 : 32)));
        }
        return sb.toString();
    }
}
