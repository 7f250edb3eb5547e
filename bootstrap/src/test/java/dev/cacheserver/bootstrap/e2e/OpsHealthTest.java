package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.adapters.storage.StorageGroupNarStore;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code /health} and {@code /ready} on server-port and on a cache's port, without a token. */
@Timeout(120)
class OpsHealthTest {
    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void liveAndReadyThenNotReadyWhenAStorageDirectoryIsGone() throws Exception {
        Path disk = dir.resolve("disk");
        try (TestServer server = TestServer.start(dir, "caches:\n  - name: main\n    port: PORT1\n    access: private\n"
                + "    storages:\n      - name: a\n        type: local\n        root: " + disk + "\n",
                TestServer.freePort())) {
            List<String> bases = List.of(server.apiUrl(), server.url("main"));
            for (String base : bases) {
                HttpResponse<String> health = get(base + "/health");
                assertEquals(200, health.statusCode(), base);
                assertEquals("UP", new JsonObject(health.body()).getString("status"));
                assertEquals("application/json", health.headers().firstValue("content-type").orElse(""));
                HttpResponse<String> ready = get(base + "/ready");
                assertEquals(200, ready.statusCode(), ready.body());
                JsonObject body = new JsonObject(ready.body());
                assertEquals("UP", body.getString("status"));
                assertEquals("UP", body.getJsonObject("checks").getJsonObject("database").getString("status"));
                assertEquals("UP", body.getJsonObject("checks").getJsonObject("storage main/a").getString("status"));
            }
            assertEquals(401, get(server.url("main") + "/nix-cache-info").statusCode(),
                    "the cache is private, yet its health answers without a token");

            // As root, permissions do not stop writes: replace the storage directory by a file.
            StorageGroupNarStore group = (StorageGroupNarStore) server.cache("main").store();
            Path storageDir = group.members().get(0).localRoot().orElseThrow();
            deleteTree(storageDir);
            Files.writeString(storageDir, "not a directory");
            for (String base : bases) {
                Eventually.await("/ready turns 503 on " + base, () -> status(base + "/ready") == 503);
                HttpResponse<String> notReady = get(base + "/ready");
                JsonObject body = new JsonObject(notReady.body());
                assertEquals("DOWN", body.getString("status"));
                JsonObject storage = body.getJsonObject("checks").getJsonObject("storage main/a");
                assertEquals("DOWN", storage.getString("status"));
                assertEquals("the storage directory is missing or not writable", storage.getString("reason"));
                assertTrue(!notReady.body().contains(storageDir.toString()), "no path in the public answer");
                assertEquals("UP", body.getJsonObject("checks").getJsonObject("database").getString("status"));
                assertEquals(200, status(base + "/health"), "still alive");
            }

            Files.delete(storageDir);
            Files.createDirectories(storageDir.resolve(".spool"));
            Eventually.await("/ready is 200 again", () -> status(server.url("main") + "/ready") == 200);
        }
    }

    private int status(String url) {
        try {
            return get(url).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
