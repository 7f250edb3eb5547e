package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.bootstrap.MainAccess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Path administration and size-bounded retention as an operator meets them: the server in its own process, the real
 * nix pushing and substituting closures, the {@code path} and {@code gc} commands against the running server.
 */
@Timeout(300)
class PathAdminE2eTest {
    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newHttpClient();
    int cachePort;
    Path config;

    @Test
    void listInfoAndDeleteAPathButRefuseToDeleteAReferencedOne() throws Exception {
        Nix.requireRootAndNix();
        writeConfig("");
        try (ServerProcess server = ServerProcess.start(config, cachePort)) {
            String url = "http://127.0.0.1:" + cachePort;
            String top = Nix.buildClosure(dir.resolve("closure"), System.nanoTime() + "-admin", 1024);
            List<String> closure = Nix.closure(top);
            String blob = closure.stream().filter(p -> !p.equals(top)).findFirst().orElseThrow();
            push(url, List.of(top));

            MainAccess.Result list = path("list", "--cache", "main");
            assertEquals(0, list.exit(), list.err());
            assertEquals(closure.stream().sorted().toList(), list.out().lines().sorted().toList());
            MainAccess.Result filtered = path("list", "--cache", "main", "--filter", "cachix-top");
            assertEquals(List.of(top), filtered.out().lines().toList());

            MainAccess.Result info = path("info", "--cache", "main", blob);
            assertEquals(0, info.exit(), info.err());
            assertTrue(info.out().contains("StorePath: " + blob), info.out());
            assertTrue(info.out().contains("Referrers:\n  " + top), "names the path that references it: " + info.out());
            assertTrue(info.out().contains("LastAccess: "), info.out());
            assertTrue(info.out().contains("NarHash: " + Nix.narHash(blob)), info.out());

            MainAccess.Result refused = path("delete", "--cache", "main", blob);
            assertEquals(1, refused.exit(), refused.out());
            assertTrue(refused.err().contains(top), "the referrer is named: " + refused.err());
            assertEquals(200, status(url + "/" + hashOf(blob) + ".narinfo"), "a refused delete deletes nothing");

            String topNar = narUrl(url, top);
            MainAccess.Result deleted = path("delete", "--cache", "main", top);
            assertEquals(0, deleted.exit(), deleted.err());
            assertTrue(deleted.out().contains("deleted " + top + " and its NAR"), deleted.out());
            assertEquals(404, status(url + "/" + hashOf(top) + ".narinfo"), "gone at once, cached narinfo included");
            assertEquals(404, status(url + "/" + topNar));
            MainAccess.Result nowFree = path("delete", "--cache", "main", hashOf(blob));
            assertEquals(0, nowFree.exit(), "nothing references it any more: " + nowFree.err());
            assertEquals("", path("list", "--cache", "main").out());

            Nix.delete(List.of(top));
            Nix.Result substitute = Nix.copyFrom(dir, url, publicKey(), null, List.of(top));
            assertTrue(substitute.exit() != 0, "nix cannot substitute a deleted path");

            MainAccess.Result unknownPath = path("info", "--cache", "main", top);
            assertEquals(1, unknownPath.exit());
            assertTrue(unknownPath.err().contains("has no path"), unknownPath.err());
            MainAccess.Result unknownCache = path("list", "--cache", "nope");
            assertEquals(1, unknownCache.exit());
            assertTrue(unknownCache.err().contains("no cache named 'nope'"), unknownCache.err());
            assertEquals(2, path("delete", "--cache", "main").exit(), "usage: no path given");
            assertEquals(2, path("remove", "--cache", "main", top).exit(), "usage: unknown subcommand");
            assertEquals(1, path("info", "--cache", "main", "not-a-store-path").exit());
        }
    }

    @Test
    void overItsMaxSizeTheCacheLosesTheLeastRecentlyReadClosureAndKeepsTheOtherWhole() throws Exception {
        Nix.requireRootAndNix();
        writeConfig("");
        try (ServerProcess server = ServerProcess.start(config, cachePort, ServerProcess.INFO_LOG)) {
            String url = "http://127.0.0.1:" + cachePort;
            String salt = Long.toString(System.nanoTime());
            String read = Nix.buildClosure(dir.resolve("read"), salt + "-read", 2048);
            String unread = Nix.buildClosure(dir.resolve("unread"), salt + "-unread", 3072);
            List<String> readClosure = Nix.closure(read);
            List<String> unreadClosure = Nix.closure(unread);
            // The read closure is pushed first, so only the read below makes it the more recent one.
            push(url, List.of(read));
            push(url, List.of(unread));
            for (String p : readClosure) {
                assertEquals(200, status(url + "/" + hashOf(p) + ".narinfo"));
                assertEquals(200, status(url + "/" + narUrl(url, p)));
            }
            long readBytes = 0;
            for (String p : readClosure) {
                readBytes += fileSize(p);
            }
            // Room for the read closure and not one byte of the other.
            writeConfig("    max-size: " + readBytes + "\n");
            hangUp(server);
            awaitLog(server, "the reload applies max-size", Pattern.compile("reload: applied caches\\[main\\]\\.max-size"));

            MainAccess.Result dry = MainAccess.run("--config", config.toString(), "gc", "--cache", "main", "--dry-run");
            assertEquals(0, dry.exit(), dry.err());
            JsonObject report = new JsonObject(dry.out()).getJsonArray("reports").getJsonObject(0);
            assertEquals(hashes(unreadClosure), sorted(report.getJsonArray("sizeEvictedPaths")), dry.out());
            assertEquals(readBytes, report.getLong("maxSize"));
            for (String p : unreadClosure) {
                assertEquals(0, path("info", "--cache", "main", p).exit(), "a dry run deletes nothing");
            }

            MainAccess.Result swept = MainAccess.run("--config", config.toString(), "gc", "--cache", "main");
            assertEquals(0, swept.exit(), swept.err());
            assertEquals(unreadClosure.size(), new JsonObject(swept.out()).getJsonArray("reports").getJsonObject(0)
                    .getInteger("sizeEvictedPathCount"), swept.out());
            for (String p : unreadClosure) {
                assertEquals(404, status(url + "/" + hashOf(p) + ".narinfo"), "evicted: " + p);
            }
            assertEquals(readClosure.stream().sorted().toList(),
                    path("list", "--cache", "main").out().lines().sorted().toList());

            Map<String, String> narHashes = new java.util.HashMap<>();
            for (String p : readClosure) {
                narHashes.put(p, Nix.narHash(p));
            }
            Nix.delete(List.of(read));
            Nix.delete(readClosure.stream().filter(p -> !p.equals(read)).toList());
            Nix.Result fetched = Nix.copyFrom(dir, url, publicKey(), null, List.of(read));
            assertEquals(0, fetched.exit(), fetched.output());
            for (String p : readClosure) {
                assertEquals(narHashes.get(p), Nix.narHash(p), "substituted whole: " + p);
            }
            String metrics = http.send(HttpRequest.newBuilder(URI.create(apiUrl() + "/metrics"))
                    .header("Authorization", "Bearer " + Tokens.admin()).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(Pattern.compile("cache_server_gc_evicted_for_size_paths_total\\{cache=\"main\"[^}]*} "
                    + unreadClosure.size() + "\\.0").matcher(metrics).find(), metrics);
            assertTrue(Pattern.compile("cache_server_gc_max_size_bytes\\{cache=\"main\"[^}]*} " + readBytes + "\\.0")
                    .matcher(metrics).find(), metrics);
        }
    }

    int serverPort;
    int deployPort;

    private void writeConfig(String cacheExtra) throws IOException {
        if (config == null) {
            cachePort = TestServer.freePort();
            serverPort = TestServer.freePort();
            deployPort = TestServer.freePort();
            config = dir.resolve("config.yaml");
        }
        Files.writeString(config, "server:\n"
                + "  hostname: 127.0.0.1\n"
                + "  standalone: true\n"
                + "  data-dir: " + dir.resolve("data") + "\n"
                + "  server-port: " + serverPort + "\n"
                + "  deploy-port: " + deployPort + "\n"
                + "  key: " + TestServer.KEY + "\n"
                + "  gc-interval: 1h\n"
                + "caches:\n"
                + "  - name: main\n"
                + "    port: " + cachePort + "\n"
                + cacheExtra);
    }

    private String apiUrl() {
        return "http://127.0.0.1:" + serverPort;
    }

    private MainAccess.Result path(String... args) {
        List<String> all = new ArrayList<>(List.of("--config", config.toString(), "path"));
        all.addAll(List.of(args));
        return MainAccess.run(all.toArray(String[]::new));
    }

    private String publicKey() {
        MainAccess.Result key = MainAccess.run("--config", config.toString(), "public-key", "--cache", "main");
        assertEquals(0, key.exit(), key.err());
        return key.out().strip();
    }

    private long fileSize(String storePath) {
        MainAccess.Result info = path("info", "--cache", "main", storePath);
        assertEquals(0, info.exit(), info.err());
        return info.out().lines().filter(l -> l.startsWith("FileSize: ")).mapToLong(l -> Long.parseLong(l.substring(10)))
                .findFirst().orElseThrow();
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

    private String narUrl(String url, String storePath) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(url + "/" + hashOf(storePath) + ".narinfo")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(l -> l.startsWith("URL: ")).findFirst().orElseThrow().substring(5);
    }

    private int status(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static void hangUp(ServerProcess server) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(server.process.pid())).inheritIO().start();
        assertTrue(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -HUP");
    }

    private static void awaitLog(ServerProcess server, String what, Pattern line) {
        Eventually.await(what, Duration.ofSeconds(60), () -> {
            try {
                return line.matcher(server.output()).find();
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static List<String> hashes(List<String> storePaths) {
        return storePaths.stream().map(PathAdminE2eTest::hashOf).sorted().toList();
    }

    private static List<String> sorted(JsonArray values) {
        return values.stream().map(String::valueOf).sorted().toList();
    }

    private static String hashOf(String storePath) {
        return storePath.substring("/nix/store/".length(), "/nix/store/".length() + 32);
    }
}
