package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.narinfo.NarInfoText;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local storage on a real 2 MiB tmpfs (mounted here; needs root, as CI runs) that a NAR does not fit on: a
 * declared size past the free space is refused with 413 at once, a chunked upload with 507 naming the storage, nothing half-written is left, {@code /ready} and the metrics say
 * the storage is full, and a group places the next NARs on its other storage. Without mount rights the test is
 * skipped and says so; StorageGroupNarStoreTest covers the same rules with an ENOSPC test double.
 */
@Timeout(300)
class StorageFullTest {
    static final int TOO_BIG = 3_000_000;
    @TempDir
    Path dir;
    Path small;
    final StorageTestSupport support = new StorageTestSupport();

    @BeforeEach
    void mountSmallFilesystem() throws Exception {
        small = dir.resolve("small");
        Files.createDirectories(small);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", small.toString())
                .redirectErrorStream(true).start();
        boolean done = mount.waitFor(30, TimeUnit.SECONDS);
        String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(done && mount.exitValue() == 0,
                "cannot mount a tmpfs here (" + output.strip() + "): the disk-full rules are covered by the ENOSPC "
                        + "double of StorageGroupNarStoreTest only");
        System.out.println("StorageFullTest: a real 2 MiB tmpfs at " + small);
    }

    @AfterEach
    void unmount() throws Exception {
        new ProcessBuilder("umount", "-l", small.toString()).redirectErrorStream(true).start().waitFor(30,
                TimeUnit.SECONDS);
    }

    @Test
    void aNarThatDoesNotFitIs507NamingTheStorageLeavesNothingAndMakesReadyReportIt() throws Exception {
        try (TestServer server = TestServer.start(dir, "caches:\n  - name: main\n    port: PORT1\n    storages:\n"
                + "      - name: small\n        type: local\n        root: " + small + "\n", TestServer.freePort())) {
            String base = server.url("main");
            byte[] file = TestNars.zstd(TestNars.regularFile(support.randomBytes(TOO_BIG)));
            String narUrl = base + "/nar/" + TestNars.sha256(file).nix32() + ".nar.zst";

            // Declared larger than the free space: refused at once, before the body is read.
            HttpResponse<String> tooLarge = support.send("PUT", narUrl, file, Tokens.write("main"));
            assertEquals(413, tooLarge.statusCode(), tooLarge.body());
            assertTrue(tooLarge.body().contains("larger than the free space of every storage of cache main"),
                    tooLarge.body());
            assertEquals(0, regularFilesUnder(small), "nothing written for a refused declaration");

            // Sent chunked (no size declared): the write itself runs out of space.
            HttpResponse<String> refused = sendChunked(narUrl, file, Tokens.write("main"));

            assertEquals(507, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("storage 'small' of cache main is full"), refused.body());
            assertEquals(0, regularFilesUnder(small), "nothing half-written on the full filesystem");
            assertEquals(404, support.send("GET", narUrl, null, null).statusCode(), "nothing was published");

            HttpResponse<String> ready = awaitReady(base, false);
            assertTrue(ready.body().contains("\"storage main/small\":{\"status\":\"DOWN\",\"reason\":\"full"),
                    ready.body());
            HttpResponse<String> metrics = support.send("GET", server.apiUrl() + "/metrics", null, OpsMetricsTest.ADMIN);
            assertTrue(Pattern.compile("cache_server_storage_full\\{cache=\"main\",storage=\"small\",type=\"local\"} 1\\.0")
                    .matcher(metrics.body()).find(), metrics.body());
        }
    }

    @Test
    void aGroupPlacesTheNextNarsOnItsOtherStorageWhileOneIsFull() throws Exception {
        Path big = dir.resolve("big");
        try (TestServer server = TestServer.start(dir, "caches:\n  - name: main\n    port: PORT1\n"
                + "    storage-strategy: in-order\n    storages:\n"
                + "      - name: small\n        type: local\n        root: " + small + "\n"
                + "      - name: big\n        type: local\n        root: " + big + "\n", TestServer.freePort())) {
            String base = server.url("main");
            String hash = support.storeHash();
            byte[] nar = TestNars.regularFile(support.randomBytes(TOO_BIG));
            byte[] file = TestNars.zstd(nar);
            String info = TestNars.narInfo(hash, "pkg", nar, file, "zstd", ".nar.zst");
            NarFile narFile = NarInfoText.parse(info).narFile();

            // The body was being spooled on small when it ran out: that upload is lost, the next one is placed.
            assertEquals(507, support.send("PUT", base + "/" + narFile.url(), file, Tokens.write("main")).statusCode());
            assertEquals(200, support.send("PUT", base + "/" + narFile.url(), file, Tokens.write("main")).statusCode());
            assertEquals(200, support.send("PUT", base + "/" + hash + ".narinfo",
                    info.getBytes(StandardCharsets.UTF_8), Tokens.write("main")).statusCode());
            NarFile next = support.push(base, "main", 1000);

            assertEquals(Map.of("small", 0L, "big", 2L), StorageTestSupport.filesPerStorage(server, "main"));
            assertEquals(200, support.send("GET", base + "/" + narFile.url(), null, null).statusCode());
            assertEquals(200, support.send("GET", base + "/" + next.url(), null, null).statusCode());
            assertEquals(0, regularFilesUnder(small));
        }
    }

    /** A PUT whose body has no Content-Length (chunked), as a client streaming a NAR of unknown size sends it. */
    private HttpResponse<String> sendChunked(String url, byte[] body, String token) throws Exception {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        (":" + token).getBytes(StandardCharsets.UTF_8)))
                .build();
        return support.http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> awaitReady(String base, boolean ready) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            HttpResponse<String> r = support.send("GET", base + "/ready", null, null);
            if ((r.statusCode() == 200) == ready || System.nanoTime() > deadline) {
                assertEquals(ready ? 200 : 503, r.statusCode(), r.body());
                return r;
            }
            Thread.sleep(100);
        }
    }

    static long regularFilesUnder(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
