package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.model.StorePathHash;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention end to end with the real nix: a seconds-long window, a closure pushed with nix copy whose top
 * path keeps being read, an unrelated path nobody reads, and a pinned one. The timer-driven sweep removes only
 * the unread, unreferenced path (narinfo and NAR); everything kept still substitutes with nix.
 */
@Timeout(300)
class RetentionE2eTest {
    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void sweepsOnlyWhatIsUnreadAndUnreferencedAndKeepsClosuresSubstitutable() throws Exception {
        Nix.requireRootAndNix();
        try (TestServer server = TestServer.start(dir, "  gc-interval: 2s\n", """
                caches:
                  - name: main
                    port: PORT1
                    retention: 6s
                """, TestServer.freePort())) {
            String url = server.url("main");
            String salt = Long.toString(System.nanoTime());
            String top = Nix.buildClosure(dir.resolve("kept"), salt + "-kept", 4096, 8192);
            String lonely = Nix.buildClosure(dir.resolve("lonely"), salt + "-lonely", 1024);
            String pinned = Nix.buildClosure(dir.resolve("pinned"), salt + "-pinned", 2048);
            List<String> kept = Nix.closure(top);
            List<String> gone = Nix.closure(lonely);
            List<String> pinnedClosure = Nix.closure(pinned);
            Map<String, String> hashes = new java.util.HashMap<>();
            for (String p : concat(kept, gone, pinnedClosure)) {
                hashes.put(p, Nix.narHash(p));
            }
            push(url, concat(List.of(top), List.of(lonely), List.of(pinned)));
            for (String p : concat(kept, gone, pinnedClosure)) {
                assertEquals(200, narInfoStatus(url, p), "pushed " + p);
            }
            HttpResponse<String> pin = http.send(HttpRequest.newBuilder(URI.create(server.apiUrl() + "/api/v1/cache/main/pin"))
                    .header("Authorization", "Bearer " + Tokens.write("main")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("name", "release").put("storePath", pinned)
                            .put("artifacts", new JsonArray()).put("keep", new JsonObject().put("tag", "Forever")).encode()))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, pin.statusCode(), pin.body());
            List<String> lonelyNars = new ArrayList<>();
            for (String p : gone) {
                lonelyNars.add(narUrl(url, p));
            }

            long deadline = System.nanoTime() + 60_000_000_000L;
            boolean swept = false;
            while (System.nanoTime() < deadline && !swept) {
                assertEquals(200, narInfoStatus(url, top), "the top path is read and kept");
                // Checked inside the server: an HTTP read of these paths would count as an access.
                swept = gone.stream().noneMatch(p -> server.cache("main").narInfos().serving()
                        .find(new StorePathHash(hashOf(p))).toCompletableFuture().join().isPresent());
                Thread.sleep(1000);
            }
            assertTrue(swept, "the unread, unreferenced closure was swept within a minute");
            for (String p : gone) {
                assertEquals(404, narInfoStatus(url, p), "swept: " + p);
            }
            for (String nar : lonelyNars) {
                assertEquals(404, status("HEAD", url + "/" + nar), "its NAR file is deleted too: " + nar);
            }
            for (String p : concat(kept, pinnedClosure)) {
                assertEquals(200, narInfoStatus(url, p), "kept: " + p);
            }

            Nix.delete(concat(List.of(top), List.of(pinned)));
            Nix.delete(concat(kept, pinnedClosure).stream().filter(this::isValidQuietly).toList());
            Nix.Result fetched = Nix.copyFrom(dir, url, server.publicKey("main"), null, concat(List.of(top), List.of(pinned)));
            assertEquals(0, fetched.exit(), fetched.output());
            for (String p : concat(kept, pinnedClosure)) {
                assertEquals(hashes.get(p), Nix.narHash(p), "byte-identical after the sweep: " + p);
            }
        }
    }

    private void push(String url, List<String> paths) throws Exception {
        Path etc = Files.createDirectories(dir.resolve("push-etc"));
        Files.writeString(etc.resolve("netrc"), "machine 127.0.0.1\npassword " + Tokens.write("main") + "\n");
        Files.writeString(etc.resolve("nix.conf"), "build-users-group =\nsandbox = false\n"
                + "experimental-features = nix-command\nsubstituters =\nconnect-timeout = 5\ndownload-attempts = 2\n"
                + "netrc-file = " + etc.resolve("netrc") + "\n");
        List<String> command = new ArrayList<>(List.of("nix", "copy", "--to", url + "?compression=zstd"));
        command.addAll(paths);
        Nix.Result r = Nix.run(Map.of("NIX_CONF_DIR", etc.toString(),
                "XDG_CACHE_HOME", Files.createTempDirectory(dir, "xdg").toString()), command.toArray(String[]::new));
        assertEquals(0, r.exit(), r.output());
    }

    private int narInfoStatus(String url, String storePath) throws Exception {
        return status("GET", url + "/" + hashOf(storePath) + ".narinfo");
    }

    private String narUrl(String url, String storePath) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(url + "/" + hashOf(storePath) + ".narinfo")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(l -> l.startsWith("URL: ")).findFirst().orElseThrow().substring(5);
    }

    private int status(String method, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private boolean isValidQuietly(String path) {
        try {
            return Nix.isValid(path);
        } catch (Exception e) {
            return false;
        }
    }

    private static String hashOf(String storePath) {
        return storePath.substring("/nix/store/".length(), "/nix/store/".length() + 32);
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> all = new ArrayList<>();
        for (List<String> l : lists) {
            all.addAll(l);
        }
        return all;
    }
}
