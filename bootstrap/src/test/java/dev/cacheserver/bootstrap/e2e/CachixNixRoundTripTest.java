package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spec-faithful Cachix client pushes real store paths built by {@code nix} (zstd and xz, one path over
 * 100 MiB so it spans four 32 MiB parts), then the real {@code nix} fetches them back with
 * {@code require-sigs} and only the cache's key trusted: server-signed, client-signed (cSig with a key
 * registered by generate-keypair) and a private cache read through a netrc. Needs root and nix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CachixNixRoundTripTest {
    private static final long MIB = 1024 * 1024;
    @TempDir
    static Path dir;
    CachixServer server;

    @BeforeAll
    void start() throws Exception {
        Nix.requireRootAndNix();
        server = CachixServer.start(dir, """
                caches:
                  - name: main
                    port: PORT1
                  - name: xzc
                    port: PORT2
                    compression: xz
                  - name: self
                    port: PORT3
                  - name: secret
                    port: PORT4
                    access: private
                """, 4);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void zstdClosureWithAPathOver100MiBRoundTripsThroughNix() throws Exception {
        String top = Nix.buildClosure(dir.resolve("zstd"), salt(), 5 * MIB, 110 * MIB);
        List<String> closure = Nix.closure(top);
        String big = closure.stream().filter(p -> p.endsWith("-cachix-blob-" + 110 * MIB)).findFirst().orElseThrow();
        Map<String, String> hashes = narHashes(closure);
        CachixClient client = new CachixClient(server.api(), Tokens.write("main"));

        long t0 = System.nanoTime();
        assertEquals(List.of(big), client.push("main", big, null, null));
        double pushSeconds = (System.nanoTime() - t0) / 1e9;
        List<String> rest = client.push("main", top, null, null);
        long narBytes = Long.parseLong(Nix.lines("nix-store", "-q", "--size", big).get(0));
        double fileSeconds = nixCopyToFile(big);
        System.out.printf("PUSH THROUGHPUT: %s (%d bytes NAR, zstd): cachix-style push %.1f MiB/s (%.2f s); "
                        + "nix copy --to file:// %.1f MiB/s (%.2f s)%n", big, narBytes,
                narBytes / MIB / pushSeconds, pushSeconds, narBytes / MIB / fileSeconds, fileSeconds);

        assertEquals(closure.size() - 1, rest.size(), "the rest of the closure is pushed, the big path is not again");
        assertEquals(List.of(), new CachixClient(server.api(), "").missing("main",
                closure.stream().map(p -> p.substring(11, 43)).toList()));
        assertTrue(narInfo("main", big, null).contains("Compression: zstd"));
        fetchAndVerify("main", server.publicKey("main"), null, closure, hashes);
    }

    @Test
    void xzPathsRoundTripWithTheCachesPreferredCompression() throws Exception {
        String top = Nix.buildClosure(dir.resolve("xz"), salt(), 64 * 1024, MIB);
        List<String> closure = Nix.closure(top);
        Map<String, String> hashes = narHashes(closure);
        CachixClient client = new CachixClient(server.api(), Tokens.write("xzc"));

        assertEquals("XZ", client.getCache("xzc").getString("preferredCompressionMethod"));
        assertEquals(closure.size(), client.push("xzc", top, null, null).size());

        assertTrue(narInfo("xzc", top, null).contains("Compression: xz"));
        fetchAndVerify("xzc", server.publicKey("xzc"), null, closure, hashes);
    }

    @Test
    void clientSignedPathsVerifyWithOnlyTheRegisteredKey() throws Exception {
        String top = Nix.buildClosure(dir.resolve("self"), salt(), 2 * MIB);
        List<String> closure = Nix.closure(top);
        Map<String, String> hashes = narHashes(closure);
        CachixClient client = new CachixClient(server.api(), Tokens.write("self"));
        String signingKey = client.generateKeypair("self");
        List<String> keys = client.getCache("self").getJsonArray("publicSigningKeys").stream()
                .map(Object::toString).toList();
        assertEquals(2, keys.size(), keys.toString());
        String registered = keys.get(1);
        assertNotEquals(keys.get(0).split(":")[0], registered.split(":")[0]);

        // With a signing key cachix skips GET /api/v1/cache and pushes zstd.
        assertEquals(closure.size(), client.push("self", top, null, signingKey).size());

        assertTrue(narInfo("self", top, null).contains("Sig: " + registered.split(":")[0] + ":"));
        fetchAndVerify("self", registered, null, closure, hashes);
    }

    @Test
    void aPrivateCacheIsReadThroughNetrcWithAReadToken() throws Exception {
        String top = Nix.buildClosure(dir.resolve("secret"), salt(), 3 * MIB);
        List<String> closure = Nix.closure(top);
        Map<String, String> hashes = narHashes(closure);
        CachixClient anonymous = new CachixClient(server.api(), "");
        CachixClient.ClientError denied = org.junit.jupiter.api.Assertions.assertThrows(CachixClient.ClientError.class,
                () -> anonymous.getCache("secret"));
        assertEquals(401, denied.status);

        CachixClient client = new CachixClient(server.api(), Tokens.write("secret"));
        JsonObject info = client.getCache("secret");
        assertEquals(false, info.getBoolean("isPublic"));
        assertEquals("Write", info.getString("permission"));
        assertEquals(closure.size(), client.push("secret", top, null, null).size());

        Nix.delete(closure);
        Nix.Result refused = Nix.copyFrom(dir, server.url("secret"), server.publicKey("secret"), null, List.of(top));
        assertNotEquals(0, refused.exit(), "an anonymous nix must not read a private cache");
        assertTrue(!Nix.isValid(top));
        fetchAndVerify("secret", server.publicKey("secret"), Tokens.read("secret"), closure, hashes);
    }

    private void fetchAndVerify(String cache, String key, String netrcToken, List<String> closure,
                                Map<String, String> hashes) throws Exception {
        Nix.delete(closure);
        Nix.Result copied = Nix.copyFrom(dir, server.url(cache), key, netrcToken, closure);
        assertEquals(0, copied.exit(), "nix copy --from failed:\n" + copied.output());
        for (String path : closure) {
            assertTrue(Nix.isValid(path), path + " is valid after the fetch");
            assertEquals(hashes.get(path), Nix.narHash(path), path + " has its original NAR hash");
            assertEquals(0, Nix.run(Map.of(), "nix-store", "--verify-path", path).exit(), path);
        }
    }

    private static Map<String, String> narHashes(List<String> closure) throws Exception {
        Map<String, String> hashes = new HashMap<>();
        for (String p : closure) {
            hashes.put(p, Nix.narHash(p));
        }
        return hashes;
    }

    private double nixCopyToFile(String path) throws Exception {
        Path target = dir.resolve("file-cache-" + System.nanoTime());
        long t0 = System.nanoTime();
        Nix.Result r = Nix.run(Map.of("XDG_CACHE_HOME", dir.resolve("xdg-file").toString()), "nix", "copy",
                "--extra-experimental-features", "nix-command", "--to", "file://" + target + "?compression=zstd", path);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, r.exit(), r.output());
        return seconds;
    }

    private String narInfo(String cache, String storePath, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url(cache) + "/" + storePath.substring(11, 43)
                + ".narinfo"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static String salt() {
        return Long.toString(System.nanoTime());
    }
}
