package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code systemctl reload} of a cache's upstreams, on the server in its own process: an upstream added to the file
 * serves the next miss, one taken away no longer does, and a key set by an environment variable keeps its value
 * across reloads of a file that says otherwise.
 */
@Timeout(180)
class OpsReloadUpstreamsTest extends HttpTestSupport {
    @TempDir
    Path dir;
    int apiPort;
    int deployPort;

    OpsReloadUpstreamsTest() {
        super(19);
    }

    @Test
    void sighupGivesTheNextMissTheNewUpstreamsAndKeepsEnvironmentOverrides() throws Exception {
        try (TestServer upstream = TestServer.start(Files.createDirectories(dir.resolve("upstream")), """
                caches:
                  - name: second
                    port: PORT1
                """, TestServer.freePort())) {
            String second = upstream.url("second");
            String before = push(second), added = push(second), afterRemoval = push(second);
            String entry = "[{url: \"" + second + "\", public-keys: [\"" + upstream.publicKey("second") + "\"]}]";
            int port = TestServer.freePort();
            apiPort = TestServer.freePort();
            deployPort = TestServer.freePort();
            String base = "http://127.0.0.1:" + port;
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, config(port, 40, "[]"));
            Map<String, String> env = Map.of("CACHE_SERVER_CACHES__MAIN__ACCESS", "public");
            try (ServerProcess server = ServerProcess.start(config, port, env, ServerProcess.INFO_LOG)) {
                assertEquals(200, status(base + "/nix-cache-info"), "public by the environment, private in the file");
                assertEquals(404, status(base + "/" + before + ".narinfo"), "no upstreams yet");

                Files.writeString(config, config(port, 30, entry));
                hangUp(server);
                awaitLog(server, "the reload applied the upstreams",
                        "reload: applied caches[main].upstreams: [] -> [" + second + "]");
                HttpResponse<String> pulled = send("GET", base + "/" + added + ".narinfo", null, null);
                assertEquals(200, pulled.statusCode(), "the next miss asks the new upstream");
                assertTrue(pulled.body().contains("StorePath: /nix/store/" + added + "-"), pulled.body());
                assertEquals(200, status(base + "/nix-cache-info"), "the environment still makes it public");

                Files.writeString(config, config(port, 30, "[]"));
                hangUp(server);
                awaitLog(server, "the reload took the upstreams away",
                        "reload: applied caches[main].upstreams: [" + second + "] -> []");
                assertEquals(404, status(base + "/" + afterRemoval + ".narinfo"), "no upstream asked any more");
                assertEquals(200, status(base + "/nix-cache-info"), "still public after a second reload");
                assertTrue(!server.output().contains("caches[main].access"), "access never changed: "
                        + server.output());

                server.process.destroy();
                assertTrue(server.process.waitFor(60, TimeUnit.SECONDS), "SIGTERM still stops it");
            }
        }
    }

    private String config(int port, int priority, String upstreams) {
        return "server:\n  hostname: 127.0.0.1\n  standalone: true\n  key: " + TestServer.KEY + "\n  data-dir: "
                + dir.resolve("data") + "\n  server-port: " + apiPort + "\n  deploy-port: " + deployPort
                + "\ncaches:\n  - name: main\n    port: " + port + "\n    access: private\n    priority: " + priority
                + "\n    upstreams: " + upstreams + "\n";
    }

    /** Uploads one path to the upstream as Nix does; returns its store hash. */
    private String push(String base) throws Exception {
        String token = Tokens.write("second");
        byte[] nar = TestNars.regularFile(randomBytes(2000));
        byte[] file = TestNars.zstd(nar);
        String hash = storeHash();
        String info = TestNars.narInfo(hash, "upstream", nar, file, "zstd", ".nar.zst");
        assertEquals(200, send("PUT", base + "/nar/" + TestNars.sha256(file).nix32() + ".nar.zst", file, token)
                .statusCode());
        HttpResponse<String> put = send("PUT", base + "/" + hash + ".narinfo", info.getBytes(StandardCharsets.UTF_8),
                token);
        assertEquals(200, put.statusCode(), put.body());
        return hash;
    }

    private int status(String url) throws Exception {
        return send("GET", url, null, null).statusCode();
    }

    private static void hangUp(ServerProcess server) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(server.process.pid())).inheritIO().start();
        assertTrue(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -HUP");
    }

    private static void awaitLog(ServerProcess server, String what, String line) {
        Pattern pattern = Pattern.compile(Pattern.quote(line));
        Eventually.await(what, Duration.ofSeconds(60), () -> {
            try {
                return pattern.matcher(server.output()).find();
            } catch (IOException e) {
                return false;
            }
        });
    }
}
