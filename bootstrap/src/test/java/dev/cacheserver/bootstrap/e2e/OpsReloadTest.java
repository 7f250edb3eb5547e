package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code systemctl reload} as an operator does it, on the server in its own process: edit the file, send SIGHUP.
 * The live keys change what clients see at once (a private cache turns public, the old token key stops working,
 * a shorter retention sweeps a path), restart-only keys are named in the log and keep their value, and a broken
 * file is logged with its key while the server goes on serving as before.
 */
@Timeout(180)
class OpsReloadTest extends HttpTestSupport {
    private static final String NEW_KEY = "rotated-token-key-after-a-leak";
    private static final String PEER_KEY = "peer.example.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=";
    @TempDir
    Path dir;
    int apiPort;
    int deployPort;

    OpsReloadTest() {
        super(18);
    }

    @Test
    void sighupAppliesLiveKeysNamesRestartOnlyOnesAndABrokenFileKeepsServing() throws Exception {
        int port = TestServer.freePort();
        apiPort = TestServer.freePort();
        deployPort = TestServer.freePort();
        String base = "http://127.0.0.1:" + port;
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, config(port, "private", TestServer.KEY, "0", 40, "[]"));
        try (ServerProcess server = ServerProcess.start(config, port, ServerProcess.INFO_LOG)) {
            String oldToken = Tokens.write("main");
            String unread = push(base, oldToken);
            assertEquals(401, send("GET", base + "/nix-cache-info", null, null).statusCode(), "private at first");
            awaitLog(server, "a sweep with retention forever", Pattern.compile("gc main: 0 of 1 paths expired"));

            Files.writeString(config, config(port, "public", NEW_KEY, "1s", 10, "[\"" + PEER_KEY + "\"]"));
            hangUp(server);
            Eventually.await("the cache turns public", Duration.ofSeconds(30),
                    () -> status("GET", base + "/nix-cache-info", null) == 200);
            String newToken = new Hs256Tokens(NEW_KEY.getBytes(StandardCharsets.UTF_8))
                    .issue(new TokenClaims("main", Permission.WRITE, null, null));
            assertEquals(401, send("PUT", base + "/nix-cache-info", "StoreDir: /nix/store\n".getBytes(), oldToken)
                    .statusCode(), "a token of the old server.key no longer works");
            assertEquals(200, send("PUT", base + "/nix-cache-info", "StoreDir: /nix/store\n".getBytes(), newToken)
                    .statusCode(), "a token of the new server.key works");
            assertTrue(send("GET", base + "/nix-cache-info", null, null).body().contains("Priority: 40"),
                    "priority needs a restart: still the old value");
            // The cache can turn public before the reload has logged every key: wait for the whole report.
            for (String line : new String[] {"reload: applied caches[main].access: private -> public",
                    "reload: applied caches[main].retention: forever -> PT1S", "reload: applied server.key: changed",
                    "reload: applied server.dht-trusted-keys: [] -> [" + PEER_KEY + "]",
                    "reload: caches[main].priority: 40 -> 10 changed but needs a restart"}) {
                awaitLog(server, "the log has '" + line + "'", Pattern.compile(Pattern.quote(line)));
            }
            String log = server.output();
            assertTrue(!log.contains(NEW_KEY), "the new token key is never logged");
            awaitLog(server, "a sweep with the reloaded 1 s retention",
                    Pattern.compile("gc main: [1-9][0-9]* of [0-9]+ paths expired"));
            assertEquals(404, status("GET", base + "/" + unread + ".narinfo", null), "swept after the reload");

            Files.writeString(config, config(port, "private", NEW_KEY, "1s", 10, "[]")
                    .replace("port: " + port, "port: not-a-port"));
            hangUp(server);
            awaitLog(server, "the broken file is reported", Pattern.compile("reload: .* is invalid, keeping the running"
                    + " configuration: .*caches.*port"));
            assertTrue(server.process.isAlive(), "a broken file does not stop the server");
            assertEquals(200, status("GET", base + "/nix-cache-info", null),
                    "still public: nothing of the broken file was applied");

            server.process.destroy();
            assertTrue(server.process.waitFor(60, TimeUnit.SECONDS), "SIGTERM still stops it");
            assertEquals(0, server.process.exitValue(), server.output());
        }
    }

    private String config(int port, String access, String key, String retention, int priority, String trusted) {
        return "server:\n  hostname: 127.0.0.1\n  standalone: true\n  key: " + key + "\n  data-dir: " + dir.resolve("data")
                + "\n  server-port: " + apiPort + "\n  deploy-port: " + deployPort + "\n  gc-interval: 1s\n  dht-trusted-keys: " + trusted
                + "\ncaches:\n  - name: main\n    port: " + port + "\n    access: " + access + "\n    retention: "
                + retention + "\n    priority: " + priority + "\n";
    }

    /** Uploads one path as Nix does; returns its store hash. */
    private String push(String base, String token) throws Exception {
        byte[] nar = TestNars.regularFile(randomBytes(2000));
        byte[] file = TestNars.zstd(nar);
        String hash = storeHash();
        String info = TestNars.narInfo(hash, "reload", nar, file, "zstd", ".nar.zst");
        assertEquals(200, send("PUT", base + "/nar/" + TestNars.sha256(file).nix32() + ".nar.zst", file, token)
                .statusCode());
        HttpResponse<String> put = send("PUT", base + "/" + hash + ".narinfo", info.getBytes(StandardCharsets.UTF_8),
                token);
        assertEquals(200, put.statusCode(), put.body());
        return hash;
    }

    private int status(String method, String url, String token) {
        try {
            return send(method, url, null, token).statusCode();
        } catch (Exception e) {
            return -1;
        }
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
}
