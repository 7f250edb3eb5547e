import dev.cacheserver.adapters.persistence.SqliteDatabase;
import dev.cacheserver.adapters.persistence.SqliteNarInfoRepository;
import dev.cacheserver.adapters.storage.DecompressingNarContentHasher;
import dev.cacheserver.adapters.storage.LocalNarStore;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.signing.SecretSigningKey;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Narinfo lookup latency at scale, outside the tests: N rows bulk-inserted (as GcSweep does), then random
 * primary-key lookups through vertx-jdbc-client's reader pool (what the repository used before), through the
 * repository (its dedicated read-only lookup connections), the same query on one plain JDBC connection, cold
 * lookups through the serving use case (repository + render), and hot ones from the rendered cache.
 *
 * usage: java -cp CLASSPATH bench/NarInfoLookup.java [PATHS]   (default 200000)
 */
public class NarInfoLookup {
    static final String FIND = "SELECT hash, store_path, file_hash, compression, file_size, nar_hash, nar_size,"
            + " refs, deriver, system, ca, sigs FROM narinfo WHERE cache = ? AND hash = ?";
    static final String ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int samples = 20_000;
        Path dir = Files.createTempDirectory("narinfo-lookup");
        Path db = dir.resolve("db.sqlite");
        Vertx vertx = Vertx.vertx();
        SqliteDatabase.open(vertx, db).await(60, TimeUnit.SECONDS).close().await(60, TimeUnit.SECONDS);
        Random random = new Random(200_000);
        String[] hashes = new String[n];
        SecretSigningKey key = SecretSigningKey.generate("main-1");
        String sig = key.name() + ":" + java.util.Base64.getEncoder().encodeToString(new byte[64]);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            try (java.sql.Statement pragmas = c.createStatement()) {
                pragmas.execute("PRAGMA cache_size = -524288");
            }
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO narinfo (cache, hash, store_path, file_hash,"
                    + " compression, file_size, nar_hash, nar_size, refs, deriver, system, ca, sigs, created_at,"
                    + " last_accessed_at) VALUES ('main', ?, ?, ?, 'zstd', 1000, ?, 2000, ?, NULL, 'x86_64-linux',"
                    + " NULL, ?, 0, 0)")) {
                for (int i = 0; i < n; i++) {
                    hashes[i] = nix32(random, 32);
                    StringBuilder refs = new StringBuilder();
                    for (int r = 0; r < 8 && i > 0; r++) {
                        int ref = random.nextInt(i);
                        refs.append(refs.length() > 0 ? " " : "").append(hashes[ref]).append("-p").append(ref);
                    }
                    insert.setString(1, hashes[i]);
                    insert.setString(2, "/nix/store/" + hashes[i] + "-p" + i);
                    insert.setString(3, "sha256:1" + nix32(random, 51));
                    insert.setString(4, "sha256:1" + nix32(random, 51));
                    insert.setString(5, refs.toString());
                    insert.setString(6, sig);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            c.commit();
        }
        SqliteDatabase database = SqliteDatabase.open(vertx, db).await(60, TimeUnit.SECONDS);
        SqliteNarInfoRepository repository = new SqliteNarInfoRepository(database);
        CacheName main = new CacheName("main");
        CacheProfile profile = new CacheProfile(main, true, key, URI.create("http://127.0.0.1:1"), 30);
        LocalNarStore store = LocalNarStore.open(vertx, dir.resolve("nars")).await(60, TimeUnit.SECONDS);
        NarInfoService narInfos = new NarInfoService(profile, repository, store,
                new DecompressingNarContentHasher(vertx), Clock.systemUTC(), 64L << 20, true);

        for (int i = 0; i < 2000; i++) {   // warm-up: JIT and connections
            repository.find(main, new StorePathHash(hashes[random.nextInt(n)])).toCompletableFuture().get();
            database.readers().preparedQuery(FIND).execute(io.vertx.sqlclient.Tuple.of("main",
                    hashes[random.nextInt(n)])).await(10, TimeUnit.SECONDS);
        }
        long[] vertxPool = new long[samples];
        for (int i = 0; i < samples; i++) {
            String hash = hashes[random.nextInt(n)];
            long t = System.nanoTime();
            database.readers().preparedQuery(FIND).execute(io.vertx.sqlclient.Tuple.of("main", hash))
                    .toCompletionStage().toCompletableFuture().get();
            vertxPool[i] = System.nanoTime() - t;
        }
        long[] pool = new long[samples];
        for (int i = 0; i < samples; i++) {
            StorePathHash hash = new StorePathHash(hashes[random.nextInt(n)]);
            long t = System.nanoTime();
            repository.find(main, hash).toCompletableFuture().get();
            pool[i] = System.nanoTime() - t;
        }
        int concurrent = 16;
        AtomicInteger left = new AtomicInteger(samples);
        long t0 = System.nanoTime();
        CompletableFuture<?>[] workers = new CompletableFuture<?>[concurrent];
        for (int w = 0; w < concurrent; w++) {
            workers[w] = CompletableFuture.runAsync(() -> {
                Random r = new Random();
                while (left.getAndDecrement() > 0) {
                    repository.find(main, new StorePathHash(hashes[r.nextInt(n)])).toCompletableFuture().join();
                }
            });
        }
        CompletableFuture.allOf(workers).get();
        double poolPerSecond = samples / ((System.nanoTime() - t0) / 1e9);

        long[] plain = new long[samples];
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db + "?open_mode=1");
             PreparedStatement find = c.prepareStatement(FIND)) {
            for (int i = 0; i < samples + 2000; i++) {
                long t = System.nanoTime();
                find.setString(1, "main");
                find.setString(2, hashes[random.nextInt(n)]);
                try (ResultSet rs = find.executeQuery()) {
                    rs.next();
                    rs.getString(8);
                }
                if (i >= 2000) {
                    plain[i - 2000] = System.nanoTime() - t;
                }
            }
        }

        long[] cold = new long[samples];
        for (int i = 0; i < samples; i++) {
            StorePathHash hash = new StorePathHash(hashes[random.nextInt(n)]);
            long t = System.nanoTime();
            narInfos.serving().lookup(hash).toCompletableFuture().get();
            cold[i] = System.nanoTime() - t;
        }
        StorePathHash[] hot = new StorePathHash[1000];
        for (int i = 0; i < hot.length; i++) {
            hot[i] = new StorePathHash(hashes[i]);
            narInfos.serving().lookup(hot[i]).toCompletableFuture().get();
        }
        long[] hotTimes = new long[samples];
        for (int i = 0; i < samples; i++) {
            StorePathHash hash = hot[random.nextInt(hot.length)];
            long t = System.nanoTime();
            narInfos.serving().lookup(hash).toCompletableFuture().get();
            hotTimes[i] = System.nanoTime() - t;
        }
        System.out.printf("%d paths, %d random lookups each (microseconds, p50 / p99):%n", n, samples);
        System.out.printf("  vertx-jdbc-client reader pool, same query: %s%n", pcts(vertxPool));
        System.out.printf("  repository.find (dedicated lookup connections): %s; %.0f lookups/s with %d in flight%n",
                pcts(pool), poolPerSecond, concurrent);
        System.out.printf("  same query, plain JDBC prepared statement, one connection: %s%n", pcts(plain));
        System.out.printf("  cold lookup (repository + render, cached afterwards): %s%n", pcts(cold));
        System.out.printf("  hot lookup (1,000 paths from the rendered cache): %s%n", pcts(hotTimes));
        database.close().await(60, TimeUnit.SECONDS);
        vertx.close().await(60, TimeUnit.SECONDS);
    }

    static String pcts(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format("%.0f / %.0f", sorted[sorted.length / 2] / 1e3, sorted[sorted.length * 99 / 100] / 1e3);
    }

    static String nix32(Random random, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(32)));
        }
        return sb.toString();
    }
}
