package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.adapters.persistence.SqliteDatabase;
import dev.cacheserver.bootstrap.MainAccess;
import dev.cacheserver.domain.signing.SecretSigningKey;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server in its own JVM at {@code -Xmx128m} on a database of 200,000 paths (bulk-inserted, each
 * referencing up to four earlier paths): it starts without loading them, answers narinfo hits and misses, sweeps
 * exactly the old paths no recent path needs (checked against a closure computed here), and still takes a push and
 * serves a substitution with the real {@code nix}.
 */
@Timeout(900)
class ScaleMemoryTest {
    static final int PATHS = 200_000;
    static final String ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";

    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void twoHundredThousandPathsInA128MiBHeap() throws Exception {
        Nix.requireRootAndNix();
        SecretSigningKey key = SecretSigningKey.generate("scale-1");
        Path keyFile = dir.resolve("scale.secret");
        Files.writeString(keyFile, key.toNixFormat());
        Path data = dir.resolve("data");
        Path database = dir.resolve("scale.sqlite");
        Dataset dataset = Dataset.generate(new Random(13), PATHS);
        long t0 = System.nanoTime();
        dataset.insert(database, key.name());
        System.out.printf("generated %d paths in %.1f s%n", PATHS, (System.nanoTime() - t0) / 1e9);
        // The rows carry a placeholder signature under the key's name; recording the key as the one they were
        // signed with makes the server serve them as they are (as after a normal restart).
        Files.createDirectories(data.resolve("keys"));
        Files.writeString(data.resolve("keys/main.signed-with"), key.publicKey().toString());

        int port = TestServer.freePort();
        int apiPort = TestServer.freePort();
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, "server:\n  hostname: 127.0.0.1\n  standalone: true\n  key: " + TestServer.KEY
                + "\n  data-dir: " + data + "\n  database: " + database + "\n  server-port: " + apiPort
                + "\n  deploy-port: " + TestServer.freePort() + "\n  gc-interval: 24h\n"
                + "caches:\n  - name: main\n    port: " + port + "\n    retention: 7\n    signing-key-file: " + keyFile
                + "\n");
        String url = "http://127.0.0.1:" + port;
        long startNanos = System.nanoTime();
        try (ServerProcess server = ServerProcess.start(config, port, "-Xmx128m")) {
            int recent = dataset.recentIndex(0);
            assertEquals(200, get(url + "/" + dataset.hashes[recent] + ".narinfo").statusCode());
            long readyMillis = (System.nanoTime() - startNanos) / 1_000_000;
            long rssAfterStart = server.peakRssKiB();

            for (int i = 0; i < 200; i++) {
                int index = dataset.recentIndex(i * 7);
                HttpResponse<String> hit = get(url + "/" + dataset.hashes[index] + ".narinfo");
                assertEquals(200, hit.statusCode(), hit.body());
                assertTrue(hit.body().startsWith("StorePath: /nix/store/" + dataset.hashes[index] + "-p" + index + "\n"),
                        hit.body());
            }
            Random random = new Random(7);
            for (int i = 0; i < 200; i++) {
                String absent = nix32(random, 32);
                assertEquals(404, get(url + "/" + absent + ".narinfo").statusCode(), "an absent path: " + absent);
            }

            String recentHash = dataset.hashes[recent];
            String fileHash = "1" + nix32(random, 51);
            HttpResponse<String> conflict = send(HttpRequest.newBuilder(URI.create(url + "/" + recentHash + ".narinfo"))
                    .header("Authorization", auth()).PUT(HttpRequest.BodyPublishers.ofString(
                            "StorePath: /nix/store/" + recentHash + "-p" + recent + "\nURL: nar/" + fileHash
                                    + ".nar.zst\nCompression: zstd\nFileHash: sha256:" + fileHash
                                    + "\nFileSize: 5\nNarHash: sha256:" + "1" + nix32(random, 51)
                                    + "\nNarSize: 7\nReferences: \n")));
            assertEquals(409, conflict.statusCode(), "a store path is immutable: " + conflict.body());

            String salt = Long.toString(System.nanoTime());
            String top = Nix.buildClosure(dir.resolve("nix"), salt, 1024, 4096);
            List<String> closure = Nix.closure(top);
            Map<String, String> narHashes = new java.util.HashMap<>();
            for (String p : closure) {
                narHashes.put(p, Nix.narHash(p));
            }
            push(url, top);

            Set<String> expectedGone = dataset.expectedSweep();
            MainAccess.Result dry = MainAccess.run("--config", config.toString(), "gc", "--dry-run");
            assertEquals(0, dry.exit(), dry.err());
            JsonObject dryReport = new JsonObject(dry.out().substring(dry.out().indexOf('{')))
                    .getJsonArray("reports").getJsonObject(0);
            assertEquals(expectedGone.size(), dryReport.getInteger("removedPathCount"), "what a dry run would sweep");
            assertEquals(PATHS + closure.size(), count(database), "a dry run deletes nothing");

            long gcStart = System.nanoTime();
            MainAccess.Result real = MainAccess.run("--config", config.toString(), "gc", "--cache", "main");
            long gcMillis = (System.nanoTime() - gcStart) / 1_000_000;
            assertEquals(0, real.exit(), real.err());
            Set<String> remaining = hashes(database);
            Set<String> expectedRemaining = new HashSet<>(dataset.allHashes());
            expectedRemaining.removeAll(expectedGone);
            closure.forEach(p -> expectedRemaining.add(p.substring(11, 43)));
            assertEquals(expectedRemaining, remaining, "the sweep removed exactly the old paths no recent one needs");
            int gone = expectedGone.iterator().hasNext() ? dataset.indexOf(expectedGone.iterator().next()) : -1;
            assertTrue(gone >= 0, "the dataset has paths to sweep");
            assertEquals(404, get(url + "/" + dataset.hashes[gone] + ".narinfo").statusCode(), "a swept path");
            int keptOld = dataset.keptOldIndex();
            assertEquals(200, get(url + "/" + dataset.hashes[keptOld] + ".narinfo").statusCode(),
                    "an old path that a recent one references stays");

            Nix.delete(List.of(top));
            Nix.delete(closure.stream().filter(ScaleMemoryTest::isValidQuietly).toList());
            Nix.Result fetched = Nix.copyFrom(dir, url, key.publicKey().toString(), null, List.of(top));
            assertEquals(0, fetched.exit(), fetched.output());
            for (String p : closure) {
                assertEquals(narHashes.get(p), Nix.narHash(p), "substituted byte-identical: " + p);
            }

            long peakRss = server.peakRssKiB();
            System.out.printf("%d paths at -Xmx128m: first narinfo answer %d ms after launch, peak RSS %d MiB after"
                            + " start and %d MiB at the end; %d of them swept in %d ms%n", PATHS, readyMillis,
                    rssAfterStart / 1024, peakRss / 1024, expectedGone.size(), gcMillis);
            assertTrue(server.process.isAlive(), server.output());
            assertFalse(server.output().contains("OutOfMemoryError"), server.output());
        }
    }

    private void push(String url, String path) throws Exception {
        Path etc = Files.createDirectories(dir.resolve("push-etc"));
        Files.writeString(etc.resolve("netrc"), "machine 127.0.0.1\npassword " + Tokens.write("main") + "\n");
        Files.writeString(etc.resolve("nix.conf"), "build-users-group =\nsandbox = false\n"
                + "experimental-features = nix-command\nsubstituters =\nconnect-timeout = 5\ndownload-attempts = 2\n"
                + "netrc-file = " + etc.resolve("netrc") + "\n");
        Nix.Result r = Nix.run(Map.of("NIX_CONF_DIR", etc.toString(),
                "XDG_CACHE_HOME", Files.createTempDirectory(dir, "xdg").toString()),
                "nix", "copy", "--to", url + "?compression=zstd", path);
        assertEquals(0, r.exit(), r.output());
    }

    private static String auth() {
        return "Basic " + Base64.getEncoder().encodeToString((":" + Tokens.write("main")).getBytes());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long count(Path database) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM narinfo")) {
            return rs.getLong(1);
        }
    }

    private static Set<String> hashes(Path database) throws Exception {
        Set<String> all = new HashSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT hash FROM narinfo")) {
            while (rs.next()) {
                all.add(rs.getString(1));
            }
        }
        return all;
    }

    private static boolean isValidQuietly(String path) {
        try {
            return Nix.isValid(path);
        } catch (Exception e) {
            return false;
        }
    }

    static String nix32(Random random, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(32)));
        }
        return sb.toString();
    }

    /**
     * Paths {@code p0..pN-1}: each references up to four of the 3,000 paths before it; every 50th was read
     * today, the rest 30 days ago.
     */
    record Dataset(String[] hashes, int[][] refs, BitSet recent) {
        static Dataset generate(Random random, int n) {
            String[] hashes = new String[n];
            Set<String> seen = new HashSet<>();
            int[][] refs = new int[n][];
            BitSet recent = new BitSet(n);
            for (int i = 0; i < n; i++) {
                String hash;
                do {
                    hash = nix32(random, 32);
                } while (!seen.add(hash));
                hashes[i] = hash;
                int count = i == 0 ? 0 : random.nextInt(5);
                refs[i] = new int[count];
                for (int r = 0; r < count; r++) {
                    refs[i][r] = Math.max(0, i - 1 - random.nextInt(Math.min(i, 3000)));
                }
                if (i % 50 == 0) {
                    recent.set(i);
                }
            }
            return new Dataset(hashes, refs, recent);
        }

        int recentIndex(int nth) {
            return (nth * 50) % hashes.length;
        }

        List<String> allHashes() {
            return List.of(hashes);
        }

        int indexOf(String hash) {
            for (int i = 0; i < hashes.length; i++) {
                if (hashes[i].equals(hash)) {
                    return i;
                }
            }
            return -1;
        }

        /** The closure of the recent paths, computed here independently of the server. */
        BitSet kept() {
            BitSet kept = new BitSet(hashes.length);
            Deque<Integer> todo = new ArrayDeque<>();
            recent.stream().forEach(todo::push);
            while (!todo.isEmpty()) {
                int next = todo.pop();
                if (!kept.get(next)) {
                    kept.set(next);
                    for (int r : refs[next]) {
                        todo.push(r);
                    }
                }
            }
            return kept;
        }

        Set<String> expectedSweep() {
            BitSet kept = kept();
            Set<String> gone = new HashSet<>();
            for (int i = 0; i < hashes.length; i++) {
                if (!kept.get(i)) {
                    gone.add(hashes[i]);
                }
            }
            return gone;
        }

        /** An old path kept only because a recent one references it. */
        int keptOldIndex() {
            BitSet kept = kept();
            for (int i = 0; i < hashes.length; i++) {
                if (kept.get(i) && !recent.get(i)) {
                    return i;
                }
            }
            throw new IllegalStateException("no old path is referenced by a recent one");
        }

        void insert(Path database, String keyName) throws Exception {
            Vertx vertx = Vertx.vertx();
            try {
                SqliteDatabase.open(vertx, database).await(60, TimeUnit.SECONDS).close().await(60, TimeUnit.SECONDS);
            } finally {
                vertx.close().await(60, TimeUnit.SECONDS);
            }
            long now = System.currentTimeMillis();
            long old = now - Duration.ofDays(30).toMillis();
            String sig = keyName + ":" + Base64.getEncoder().encodeToString(new byte[64]);
            Random random = new Random(99);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database)) {
                try (Statement pragmas = c.createStatement()) {
                    // A page cache that holds the whole table and its indexes: random-key inserts stop thrashing.
                    pragmas.execute("PRAGMA cache_size = -524288");
                    pragmas.execute("PRAGMA synchronous = OFF");
                }
                c.setAutoCommit(false);
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO narinfo (cache, hash, store_path,"
                        + " file_hash, compression, file_size, nar_hash, nar_size, refs, deriver, system, ca, sigs,"
                        + " created_at, last_accessed_at) VALUES ('main', ?, ?, ?, 'zstd', 1000, ?, 2000, ?, NULL,"
                        + " 'x86_64-linux', NULL, ?, ?, ?)")) {
                    // In primary-key order, so the table and its reference index grow by appending.
                    Integer[] order = new Integer[hashes.length];
                    for (int i = 0; i < order.length; i++) {
                        order[i] = i;
                    }
                    java.util.Arrays.sort(order, java.util.Comparator.comparing(i -> hashes[i]));
                    for (int n = 0; n < order.length; n++) {
                        int i = order[n];
                        List<String> names = new ArrayList<>();
                        for (int r : refs[i]) {
                            String name = hashes[r] + "-p" + r;
                            if (!names.contains(name)) {
                                names.add(name);
                            }
                        }
                        names.sort(null);
                        long at = recent.get(i) ? now : old;
                        insert.setString(1, hashes[i]);
                        insert.setString(2, "/nix/store/" + hashes[i] + "-p" + i);
                        insert.setString(3, "sha256:1" + nix32(random, 51));
                        insert.setString(4, "sha256:1" + nix32(random, 51));
                        insert.setString(5, String.join(" ", names));
                        insert.setString(6, sig);
                        insert.setLong(7, at);
                        insert.setLong(8, at);
                        insert.addBatch();
                        if (n % 10_000 == 9_999) {
                            insert.executeBatch();
                        }
                    }
                    insert.executeBatch();
                }
                c.commit();
            }
        }
    }
}
