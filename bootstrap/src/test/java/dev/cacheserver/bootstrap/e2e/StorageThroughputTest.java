package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cacheserver.adapters.storage.s3test.S3TestServer;
import dev.cacheserver.domain.model.NixHash;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upload and download MiB/s of one 128 MiB NAR file through the HTTP NAR path, for a local storage and for an
 * S3 storage on s3proxy (same JVM, loopback, filesystem backend), printed for the notes. The assertions are about
 * bytes, never about time: every download must hash to the uploaded FileHash.
 */
@Timeout(600)
class StorageThroughputTest {
    static final int MIB = 1024 * 1024;
    static final int SIZE_MIB = 128;
    static final int RUNS = 3;
    @TempDir
    Path dir;
    final StorageTestSupport support = new StorageTestSupport();

    @Test
    void localAndS3UploadAndDownloadSpeeds() throws Exception {
        try (S3TestServer s3 = S3TestServer.start(dir.resolve("s3"))) {
            s3.createBucket(StorageTestSupport.BUCKET);
            try (TestServer server = TestServer.start(dir, "caches:\n"
                    + "  - name: disk\n    port: PORT1\n    storages:\n"
                    + "      - name: disk\n        type: local\n        root: " + dir.resolve("disk") + "\n"
                    + "  - name: bucket\n    port: PORT2\n    storages:\n"
                    + StorageTestSupport.s3Storage("bucket", s3, ""), TestServer.freePort(), TestServer.freePort())) {
                List<String> report = new ArrayList<>();
                for (String cache : List.of("disk", "bucket")) {
                    List<Double> up = new ArrayList<>();
                    List<Double> down = new ArrayList<>();
                    for (int run = 0; run < RUNS; run++) {
                        Path file = dir.resolve("nar-" + cache + run);
                        NixHash hash = writeRandom(file, run * 31L + cache.length());
                        String url = server.url(cache) + "/nar/" + hash.nix32() + ".nar.zst";
                        long t0 = System.nanoTime();
                        HttpResponse<String> put = support.http.send(HttpRequest.newBuilder(URI.create(url))
                                .header("Authorization", basic(Tokens.write(cache)))
                                .PUT(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString());
                        long t1 = System.nanoTime();
                        assertEquals(200, put.statusCode(), put.body());
                        HttpResponse<InputStream> get = support.http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                                HttpResponse.BodyHandlers.ofInputStream());
                        NixHash got = sha256(get.body());
                        long t2 = System.nanoTime();
                        assertEquals(hash, got, "the download is the upload");
                        up.add(SIZE_MIB / ((t1 - t0) / 1e9));
                        down.add(SIZE_MIB / ((t2 - t1) / 1e9));
                        Files.delete(file);
                    }
                    report.add(String.format("THROUGHPUT %-6s %d MiB x %d: upload MiB/s %s, download MiB/s %s", cache,
                            SIZE_MIB, RUNS, format(up), format(down)));
                }
                report.forEach(System.out::println);
            }
        }
    }

    static String format(List<Double> values) {
        return values.stream().map(v -> String.format("%.0f", v)).toList().toString();
    }

    static String basic(String token) {
        return "Basic " + Base64.getEncoder().encodeToString((":" + token).getBytes());
    }

    static NixHash writeRandom(Path file, long seed) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Random random = new Random(seed);
        byte[] chunk = new byte[MIB];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < SIZE_MIB; i++) {
                random.nextBytes(chunk);
                sha.update(chunk);
                out.write(chunk);
            }
        }
        return new NixHash(sha.digest());
    }

    static NixHash sha256(InputStream in) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[256 * 1024];
        try (in) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return new NixHash(sha.digest());
    }
}
