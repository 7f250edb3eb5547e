package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.bootstrap.MainAccess;
import dev.cacheserver.domain.model.StorePathHash;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The {@code gc} command against a running server: --dry-run reports and keeps, a real run deletes. */
@Timeout(60)
class GcCommandTest {
    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void dryRunThenSweep() throws Exception {
        try (TestServer server = TestServer.start(dir, "  gc-interval: 1h\n", """
                caches:
                  - name: main
                    port: PORT1
                    retention: 1s
                """, TestServer.freePort())) {
            String url = server.url("main");
            String hash = "0123456789abcdfghijklmnpqrsvwxyz";
            byte[] nar = TestNars.regularFile("old".getBytes(StandardCharsets.UTF_8));
            byte[] file = TestNars.zstd(nar);
            String info = TestNars.narInfo(hash, "old", nar, file, "zstd", ".nar.zst");
            String narUrl = url + "/nar/" + TestNars.sha256(file).nix32() + ".nar.zst";
            assertEquals(200, put(narUrl, file));
            assertEquals(200, put(url + "/" + hash + ".narinfo", info.getBytes(StandardCharsets.UTF_8)));
            Path config = dir.resolve("config.yaml");

            // The path expires one second after its upload: dry runs until it is listed (none deletes anything).
            MainAccess.Result[] dry = new MainAccess.Result[1];
            Eventually.await("a dry run lists the expired path", java.time.Duration.ofSeconds(30), () -> {
                dry[0] = MainAccess.run("--config", config.toString(), "gc", "--dry-run");
                return dry[0].exit() != 0 || dry[0].out().contains(hash);
            });
            assertEquals(0, dry[0].exit(), dry[0].err());
            assertTrue(dry[0].out().contains(hash) && dry[0].out().contains("\"dryRun\" : true"), dry[0].out());
            // Looked up inside the server: an HTTP read would count as an access and keep the path.
            assertTrue(server.cache("main").narInfos().serving().find(new StorePathHash(hash)).toCompletableFuture().join().isPresent(), "a dry run deletes nothing");

            MainAccess.Result real = MainAccess.run("--config", config.toString(), "gc", "--cache", "main");
            assertEquals(0, real.exit(), real.err());
            assertTrue(real.out().contains("\"removedNars\" : 1"), real.out());
            assertEquals(404, get(url + "/" + hash + ".narinfo"));
            assertEquals(404, get(narUrl));

            assertEquals(2, MainAccess.run("--config", config.toString(), "gc", "--cache", "nope").exit());
            assertEquals(0, MainAccess.run("gc", "--help").exit());
        }
    }

    private int put(String url, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((":" + Tokens.write("main")).getBytes()))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private int get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
