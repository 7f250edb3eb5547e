package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.adapters.storage.s3test.S3TestServer;
import dev.cacheserver.domain.model.NarFile;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every storage-strategy end to end: real NARs pushed through the HTTP upload path of a running server, then
 * counted where they landed (the server's records and the files or objects themselves), and read back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class StorageStrategiesTest {
    @TempDir
    static Path dir;
    S3TestServer s3;
    final StorageTestSupport support = new StorageTestSupport();

    @BeforeAll
    void startS3() throws Exception {
        s3 = S3TestServer.start(dir.resolve("s3"));
        s3.createBucket(StorageTestSupport.BUCKET);
    }

    @AfterAll
    void stopS3() throws Exception {
        s3.close();
    }

    TestServer start(String name, String cacheYaml) throws Exception {
        return TestServer.start(Files.createDirectories(dir.resolve(name)), cacheYaml, TestServer.freePort());
    }

    long narFilesIn(Path directory) throws Exception {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".nar.zst")).count();
        }
    }

    void assertServed(TestServer server, String cache, List<NarFile> files) throws Exception {
        for (NarFile file : files) {
            HttpResponse<byte[]> got = support.http.send(HttpRequest.newBuilder(URI.create(server.url(cache) + "/" + file.url()))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, got.statusCode(), file.url());
            assertEquals(file.fileHash(), TestNars.sha256(got.body()));
        }
    }

    @Test
    void roundRobinAlternatesBetweenLocalAndS3() throws Exception {
        Path disk = dir.resolve("rr-disk");
        try (TestServer server = start("rr", "caches:\n  - name: rr\n    port: PORT1\n    storage-strategy: round-robin\n"
                + "    storages:\n      - name: disk\n        type: local\n        root: " + disk + "\n"
                + StorageTestSupport.s3Storage("bucket", s3, ""))) {
            List<NarFile> pushed = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                pushed.add(support.push(server.url("rr"), "rr", 2000 + i));
                // Reads in between must not move the round-robin position.
                support.send("GET", server.url("rr") + "/nix-cache-info", null, null);
            }

            assertEquals(Map.of("disk", 3L, "bucket", 3L), StorageTestSupport.filesPerStorage(server, "rr"));
            assertEquals(3, narFilesIn(disk.resolve("rr/disk")));
            assertEquals(3, narFilesIn(s3.bucketDirectory(StorageTestSupport.BUCKET).resolve("cache-server/rr/bucket")));
            List<String> order = pushed.stream().map(f -> StorageTestSupport.group(server, "rr").storageOf(f).toCompletableFuture().join().orElseThrow())
                    .toList();
            assertEquals(List.of("disk", "bucket", "disk", "bucket", "disk", "bucket"), order);
            assertServed(server, "rr", pushed);
        }
    }

    @Test
    void inOrderFillsTheFirstStorageToItsMaxSize() throws Exception {
        Path disk = dir.resolve("io-disk");
        try (TestServer server = start("io", "caches:\n  - name: io\n    port: PORT1\n    storage-strategy: in-order\n"
                + "    storages:\n      - name: first\n        type: local\n        root: " + disk + "\n"
                + "        max-size: 20KiB\n"
                + "      - name: second\n        type: local\n        root: " + disk + "\n")) {
            List<NarFile> pushed = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                // Random content does not compress: each NAR file is a little over 5000 bytes.
                pushed.add(support.push(server.url("io"), "io", 5000));
            }

            assertEquals(3, narFilesIn(disk.resolve("io/first")), "three 5 KB NARs fit under 20 KiB, a fourth does not");
            assertEquals(5, narFilesIn(disk.resolve("io/second")));
            assertServed(server, "io", pushed);
        }
    }

    @Test
    void splitKeepsTheSharesOverManyNars() throws Exception {
        Path disk = dir.resolve("split-disk");
        try (TestServer server = start("split", "caches:\n  - name: sp\n    port: PORT1\n    storage-strategy: split\n"
                + "    storages:\n      - name: big\n        type: local\n        root: " + disk + "\n        split: 75\n"
                + StorageTestSupport.s3Storage("small", s3, "        split: 25\n"))) {
            for (int i = 0; i < 40; i++) {
                support.push(server.url("sp"), "sp", 300);
            }

            assertEquals(30, narFilesIn(disk.resolve("sp/big")));
            assertEquals(10, narFilesIn(s3.bucketDirectory(StorageTestSupport.BUCKET).resolve("cache-server/sp/small")));
        }
    }

    @Test
    void leastUsedEvensOutTheBytes() throws Exception {
        Path disk = dir.resolve("lu-disk");
        try (TestServer server = start("lu", "caches:\n  - name: lu\n    port: PORT1\n    storage-strategy: least-used\n"
                + "    storages:\n      - name: one\n        type: local\n        root: " + disk + "\n"
                + "      - name: two\n        type: local\n        root: " + disk + "\n")) {
            support.push(server.url("lu"), "lu", 50_000);
            for (int i = 0; i < 5; i++) {
                support.push(server.url("lu"), "lu", 5_000);
            }

            assertEquals(1, narFilesIn(disk.resolve("lu/one")), "the big NAR went first to one");
            assertEquals(5, narFilesIn(disk.resolve("lu/two")), "the small ones to two, still below one's bytes");
        }
    }

    @Test
    void theSameNarIsStoredOncePerCache() throws Exception {
        Path disk = dir.resolve("dedup-disk");
        try (TestServer server = start("dedup", "caches:\n  - name: dd\n    port: PORT1\n    storage-strategy: round-robin\n"
                + "    storages:\n      - name: a\n        type: local\n        root: " + disk + "\n"
                + "      - name: b\n        type: local\n        root: " + disk + "\n")) {
            byte[] file = TestNars.zstd(TestNars.regularFile(support.randomBytes(4000)));
            String url = server.url("dd") + "/nar/" + TestNars.sha256(file).nix32() + ".nar.zst";
            for (int i = 0; i < 3; i++) {
                assertEquals(200, support.send("PUT", url, file, Tokens.write("dd")).statusCode());
            }

            assertEquals(1, narFilesIn(disk.resolve("dd/a")) + narFilesIn(disk.resolve("dd/b")));
            HttpResponse<byte[]> got = support.http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertArrayEquals(file, got.body());
            assertTrue(StorageTestSupport.group(server, "dd").usageByStorage().stream().mapToLong(u -> u.files()).sum() == 1);
        }
    }
}
