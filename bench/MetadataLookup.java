import dev.cacheserver.adapters.persistence.MetadataDatabase;
import dev.cacheserver.adapters.persistence.SqliteDatabase;
import dev.cacheserver.adapters.persistence.postgres.PostgresDatabase;
import dev.cacheserver.adapters.persistence.postgres.PostgresTestServer;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.narinfo.NarInfoText;
import dev.cacheserver.domain.port.NarInfoRepository;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cold narinfo lookups (one primary-key find through the repository, no memory cache) and saves, on SQLite and on
 * PostgreSQL, same rows, same process. PostgreSQL is the tests' server (PostgresTestServer: fsync and synchronous
 * commit off), so its saves are not durable and their rate is an upper bound; SQLite saves are (synchronous=FULL).
 *
 * usage: java -cp CLASSPATH(adapters-persistence classes, test-classes and dependencies) bench/MetadataLookup.java [PATHS]
 */
public class MetadataLookup {
    static final String A = "0123456789abcdfghijklmnpqrsvwxyz";
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Vertx vertx = Vertx.vertx();
        MetadataDatabase sqlite = SqliteDatabase.open(vertx, Files.createTempDirectory("i17b").resolve("db.sqlite")).await(60, TimeUnit.SECONDS);
        MetadataDatabase pg = PostgresDatabase.open(vertx, PostgresTestServer.shared().newDatabase()).await(60, TimeUnit.SECONDS);
        for (var e : List.of(java.util.Map.entry("sqlite", sqlite), java.util.Map.entry("postgresql", pg))) {
            run(e.getKey(), e.getValue().narInfos(), n);
        }
        sqlite.close().await(); pg.close().await(); vertx.close().await();
        System.exit(0);
    }
    static void run(String name, NarInfoRepository repo, int n) throws Exception {
        CacheName main = new CacheName("main");
        Random r = new Random(17);
        String[] hashes = new String[n];
        long t0 = System.nanoTime();
        List<CompletableFuture<Void>> inflight = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < 32; k++) sb.append(A.charAt(r.nextInt(32)));
            hashes[i] = sb.toString();
            NarInfo info = NarInfoText.parse("StorePath: /nix/store/" + hashes[i] + "-pkg\nURL: nar/1b4sb93wp679q4zx9k1ignby1yna3z7c4c2ri3wphylbc2dwsys0.nar\nCompression: none\nFileHash: sha256:1b4sb93wp679q4zx9k1ignby1yna3z7c4c2ri3wphylbc2dwsys0\nFileSize: 1160\nNarHash: sha256:1b4sb93wp679q4zx9k1ignby1yna3z7c4c2ri3wphylbc2dwsys0\nNarSize: 1160\nReferences: \n");
            inflight.add(repo.save(main, info).toCompletableFuture());
            if (inflight.size() == 64) { CompletableFuture.allOf(inflight.toArray(CompletableFuture[]::new)).get(); inflight.clear(); }
        }
        CompletableFuture.allOf(inflight.toArray(CompletableFuture[]::new)).get();
        double saveSecs = (System.nanoTime() - t0) / 1e9;
        int samples = 5000;
        long[] lat = new long[samples];
        for (int i = 0; i < samples + 500; i++) {
            String h = hashes[r.nextInt(n)];
            long s = System.nanoTime();
            repo.find(main, new StorePathHash(h)).toCompletableFuture().get();
            if (i >= 500) lat[i - 500] = System.nanoTime() - s;
        }
        Arrays.sort(lat);
        System.out.printf("%s: %d saves (64 in flight) %.0f/s; cold find p50 %.3f ms p99 %.3f ms%n", name, n, n / saveSecs,
                lat[samples / 2] / 1e6, lat[samples * 99 / 100] / 1e6);
    }
}
