import dev.cacheserver.adapters.persistence.SqliteDatabase;
import dev.cacheserver.adapters.persistence.SqliteNarInfoRepository;
import dev.cacheserver.adapters.persistence.SqlitePinRepository;
import dev.cacheserver.adapters.storage.DecompressingNarContentHasher;
import dev.cacheserver.adapters.storage.LocalNarStore;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.application.retention.GarbageCollector;
import dev.cacheserver.application.port.in.GcReport;
import dev.cacheserver.domain.model.CacheName;
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
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * How long a garbage-collection sweep of N expired paths takes on SQLite (the real repository and sweep code):
 * the rows are bulk-inserted, then a dry run and a sweep work from the database in pages.
 *
 * usage: java -cp bootstrap/target/cache-server.jar bench/GcSweep.java [PATHS]   (default 100000)
 */
public class GcSweep {
    static final String ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path dir = Files.createTempDirectory("gc-sweep");
        Path db = dir.resolve("db.sqlite");
        Vertx vertx = Vertx.vertx();
        SqliteDatabase.open(vertx, db).await(60, TimeUnit.SECONDS).close().await(60, TimeUnit.SECONDS);
        Random random = new Random(100_000);
        long old = System.currentTimeMillis() - Duration.ofDays(30).toMillis();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO narinfo (cache, hash, store_path, file_hash,"
                    + " compression, file_size, nar_hash, nar_size, refs, deriver, system, ca, sigs, created_at,"
                    + " last_accessed_at) VALUES ('main', ?, ?, ?, 'zstd', 1000, ?, 2000, ?, NULL, NULL, NULL, ?, ?, ?)")) {
                // Signature bytes are irrelevant to a sweep.
                String sig = "main-1:" + java.util.Base64.getEncoder().encodeToString(new byte[64]);
                String previous = null;
                for (int i = 0; i < n; i++) {
                    String hash = nix32(random, 32);
                    String name = hash + "-path-" + i;
                    insert.setString(1, hash);
                    insert.setString(2, "/nix/store/" + name);
                    insert.setString(3, "sha256:" + nix32(random, 52));
                    insert.setString(4, "sha256:" + nix32(random, 52));
                    insert.setString(5, previous != null && random.nextBoolean() ? previous : "");
                    insert.setString(6, sig);
                    insert.setLong(7, old);
                    insert.setLong(8, old);
                    insert.addBatch();
                    previous = name;
                }
                insert.executeBatch();
            }
            c.commit();
        }
        SqliteDatabase database = SqliteDatabase.open(vertx, db).await(60, TimeUnit.SECONDS);
        LocalNarStore store = LocalNarStore.open(vertx, dir.resolve("nars")).await(60, TimeUnit.SECONDS);
        SqliteNarInfoRepository repository = new SqliteNarInfoRepository(database);
        CacheProfile profile = new CacheProfile(new CacheName("main"), true, SecretSigningKey.generate("main-1"),
                URI.create("http://127.0.0.1:1"), 30);
        NarInfoService narInfos = new NarInfoService(profile, repository, store, new DecompressingNarContentHasher(vertx),
                Clock.systemUTC(), 64L << 20, true);
        long t1 = System.nanoTime();
        GarbageCollector collector = dev.cacheserver.application.retention.Retention.collector(profile, narInfos.accessTimes(), narInfos.removal(), repository, store,
                new SqlitePinRepository(database), RetentionPolicy.of(Duration.ofDays(1)), Duration.ofHours(1),
                Clock.systemUTC());
        GcReport dry = collector.collect(true).toCompletableFuture().get(10, TimeUnit.MINUTES);
        long t2 = System.nanoTime();
        GcReport report = collector.collect(false).toCompletableFuture().get(30, TimeUnit.MINUTES);
        long t3 = System.nanoTime();
        System.out.printf("%d paths: dry run %.1f s (%d would go); sweep %.1f s (%d paths and %d"
                        + " NAR deletions attempted); %d left%n", dry.pathsBefore(), (t2 - t1) / 1e9,
                dry.removedPathCount(), (t3 - t2) / 1e9, report.removedPathCount(), report.removedPathCount(),
                repository.count(profile.name()).toCompletableFuture().get(1, TimeUnit.MINUTES));
        database.close().await(60, TimeUnit.SECONDS);
        vertx.close().await(60, TimeUnit.SECONDS);
    }

    static String nix32(Random random, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            // A 52-character sha256 has 4 spare bits at the top: its first character must be 0 or 1.
            sb.append(ALPHABET.charAt(random.nextInt(i == 0 && length == 52 ? 2 : 32)));
        }
        return sb.toString();
    }
}
