package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.bootstrap.MainAccess;
import dev.cacheserver.domain.signing.SecretSigningKey;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key rotation as the README describes it, with the real {@code nix} (root, nix-bin 2.8) and restarts on the same
 * data: a path pushed under the old key; the new key added second, then moved first; a path pushed during that
 * overlap. During the overlap a client trusting only the old key and a client trusting only the new key both
 * substitute both paths; once the old key is removed, the client trusting only it is refused and the other one
 * still substitutes.
 */
class KeyRotationNixTest {
    static final String OLD_NAME = "main.rotation-1";
    static final String NEW_NAME = "main.rotation-2";

    @TempDir
    static Path dir;
    static SecretSigningKey oldKey;
    static SecretSigningKey newKey;
    /** NarHash of every built path, taken before any is deleted and substituted again. */
    static final Map<String, String> NAR_HASHES = new HashMap<>();

    @BeforeAll
    static void keys() throws Exception {
        Nix.requireRootAndNix();
        oldKey = SecretSigningKey.generate(OLD_NAME);
        newKey = SecretSigningKey.generate(NEW_NAME);
        Files.writeString(dir.resolve("old.secret"), oldKey.toNixFormat());
        Files.writeString(dir.resolve("new.secret"), newKey.toNixFormat());
    }

    @Test
    void clientsTrustingEitherKeySubstituteDuringTheOverlapAndTheOldKeyStopsWorkingWhenRemoved() throws Exception {
        String salt = Long.toString(System.nanoTime());
        String before = Nix.buildClosure(dir.resolve("before"), "before-" + salt, 2048);
        String during = Nix.buildClosure(dir.resolve("during"), "during-" + salt, 4096);
        List<String> beforeClosure = Nix.closure(before);
        List<String> duringClosure = Nix.closure(during);
        for (String p : concat(beforeClosure, duringClosure)) {
            NAR_HASHES.put(p, Nix.narHash(p));
        }
        String oldPublic = oldKey.publicKey().toString();
        String newPublic = newKey.publicKey().toString();

        try (TestServer server = start("    signing-key-file: old.secret\n")) {
            push(server.url("main"), before);
        }

        // Step 1: the new key is added second. Paths stored under the old key are now signed by both.
        try (TestServer server = start("    signing-key-files: [old.secret, new.secret]\n")) {
            assertSubstitutes(server.url("main"), newPublic, before, beforeClosure);
        }

        // Step 2: the new key moves first: it is the current key, the old one still signs.
        try (TestServer server = start("    signing-key-files: [new.secret, old.secret]\n")) {
            String url = server.url("main");
            push(url, during);
            for (String key : List.of(oldPublic, newPublic)) {
                assertSubstitutes(url, key, before, beforeClosure);
                assertSubstitutes(url, key, during, duringClosure);
            }
            assertEquals(List.of(newPublic, oldPublic), cachixKeys(server), "what cachix use writes, current first");
            MainAccess.Result printed = MainAccess.run("--config", dir.resolve("config.yaml").toString(),
                    "public-key", "--cache", "main");
            assertEquals(List.of(newPublic, oldPublic), printed.out().lines().toList(), printed.err());
        }

        // Step 3: the old key is removed.
        try (TestServer server = start("    signing-key-files: [new.secret]\n")) {
            String url = server.url("main");
            for (String top : List.of(before, during)) {
                List<String> closure = top.equals(before) ? beforeClosure : duringClosure;
                Nix.delete(closure);
                Nix.Result refused = Nix.copyFrom(dir, url, oldPublic, null, List.of(top));
                assertNotEquals(0, refused.exit(), "a client trusting only the removed key must refuse " + top);
                assertFalse(Nix.isValid(top), top);
                assertSubstitutes(url, newPublic, top, closure);
            }
            assertEquals(List.of(newPublic), cachixKeys(server));
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static TestServer start(String keyLines) throws Exception {
        return TestServer.start(dir, "caches:\n  - name: main\n    port: PORT1\n" + keyLines, TestServer.freePort());
    }

    /** Deletes the closure locally, then substitutes it trusting only {@code key}; every path comes back intact. */
    private static void assertSubstitutes(String url, String key, String top, List<String> closure) throws Exception {
        Nix.delete(closure);
        Nix.Result fetched = Nix.copyFrom(dir, url, key, null, List.of(top));
        assertEquals(0, fetched.exit(), "trusting only " + key + ":\n" + fetched.output());
        for (String p : closure) {
            assertTrue(Nix.isValid(p), p);
            assertEquals(NAR_HASHES.get(p), Nix.narHash(p), "byte-identical: " + p);
        }
    }

    private static void push(String url, String path) throws Exception {
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

    private static List<Object> cachixKeys(TestServer server) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.apiUrl() + "/api/v1/cache/main"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return new JsonObject(response.body()).getJsonArray("publicSigningKeys").getList();
    }
}
