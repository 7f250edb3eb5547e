package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Three cache-server nodes on loopback form a cluster over the real OpenDHT library (separate HTTP and DHT ports,
 * a private network id). The real nix pushes a closure to node 1 and fetches it from node 3 trusting only node 3's
 * key; node 3 trusts node 1's key (dht-trusted-keys) but not node 2's. Node 3's key has node 1's key name (as
 * when nodes share a host name) but is another key: nix trusting only node 1's key accepts what node 3 serves too.
 * Needs root, nix and libopendht-c2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
    static final String NIX32 = "0123456789abcdfghijklmnpqrsvwxyz";
    static final String ADMIN = new Hs256Tokens(TestServer.KEY.getBytes(StandardCharsets.UTF_8))
            .issue(new TokenClaims("*", Permission.ADMIN, null, "admin-1"));
    @TempDir
    static Path dir;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    ClusterNode node1;
    ClusterNode node2;
    ClusterNode node3;
    NixCli nix;
    List<String> closure;
    final Logger clusterLog = (Logger) LoggerFactory.getLogger("dev.cacheserver.bootstrap.ClusterWiring");
    final ListAppender<ILoggingEvent> clusterLines = new ListAppender<>();
    final Map<String, String> narSha = new HashMap<>();

    @BeforeAll
    void start() throws Exception {
        node1 = new ClusterNode(dir.resolve("node1"), "node1");
        node2 = new ClusterNode(dir.resolve("node2"), "node2");
        node3 = new ClusterNode(dir.resolve("node3"), "node3", node1.key.name());
        node1.start(List.of(), List.of());
        node2.start(List.of(node1), List.of(node1));
        clusterLines.start();
        clusterLog.addAppender(clusterLines);
        try {
            node3.start(List.of(node1, node2), List.of(node1));
        } finally {
            clusterLog.detachAppender(clusterLines);
        }
        nix = new NixCli(dir.resolve("nix"));
    }

    @AfterAll
    void stop() {
        for (ClusterNode node : new ClusterNode[] {node3, node2, node1}) {
            if (node != null) {
                node.close();
            }
        }
    }

    @Test
    @Order(1)
    void nixFetchesFromNode3AClosurePushedToNode1ByteIdentical() throws Exception {
        closure = nix.buildClosure(Long.toString(System.nanoTime()));
        for (String path : closure) {
            narSha.put(path, nix.narSha256(path));
        }
        Path netrc = dir.resolve("netrc");
        Files.writeString(netrc, "machine 127.0.0.1\npassword " + Tokens.write("main") + "\n");
        List<String> push = new ArrayList<>(List.of("nix", "copy", "--option", "netrc-file", netrc.toString(),
                "--to", node1.url() + "?compression=zstd"));
        push.addAll(closure);
        nix.run(push.toArray(String[]::new));
        await("node 1 announced the closure", () -> status(node1).getJsonObject("dht").getLong("announced")
                >= closure.size());

        nix.delete(closure);
        long crossStart = System.nanoTime();
        fetch(node3);
        long crossMillis = (System.nanoTime() - crossStart) / 1_000_000;
        assertByteIdentical();

        nix.delete(closure);
        long localStart = System.nanoTime();
        fetch(node1);
        long localMillis = (System.nanoTime() - localStart) / 1_000_000;
        assertByteIdentical();
        System.out.printf("nix copy --from of a %d-path closure: node 3 via the cluster %d ms, node 1 local %d ms%n",
                closure.size(), crossMillis, localMillis);
        JsonObject fallback = status(node3).getJsonObject("peerFallback");
        assertTrue(fallback.getLong("servedFromPeers") >= closure.size(), fallback.encode());
    }

    @Test
    @Order(2)
    void nixTrustingOnlyThePeersKeyAcceptsWhatNode3ServesThoughNode3sKeyHasTheSameName() throws Exception {
        // Issue 18 item 9: node 3 used to replace node 1's same-named signature with its own.
        nix.delete(closure);
        fetch(node3, node1.key.publicKey().toString());
        assertByteIdentical();
        nix.delete(closure);
        fetch(node3, node3.key.publicKey().toString());
        assertByteIdentical();

        List<String> warnings = clusterLines.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("has the name of this cache's key")).toList();
        assertEquals(2, warnings.size(), "one per cache of node 3 (main, secret): " + warnings);
        assertTrue(warnings.get(0).contains(node1.key.publicKey().toString())
                && warnings.get(0).contains(node3.key.publicKey().toString()), warnings.get(0));
    }

    @Test
    @Order(3)
    void aPrivateCacheIsNeverAnnounced() throws Exception {
        // Same signing key as node 1's public cache, which node 3 trusts: only the missing announcement keeps it out.
        String hash = putSyntheticPath(node1.secretUrl(), "secret", List.of());
        // A public path pushed right after it is the barrier: once node 3 finds that one, node 1 has announced
        // everything published before it, so the private path would be findable too if it had been announced.
        String later = putSyntheticPath(node1.url(), "main", List.of());
        await("node 3 finds node 1's later public path", () -> get(node3.url() + "/" + later + ".narinfo").statusCode() == 200);
        assertEquals(404, get(node3.url() + "/" + hash + ".narinfo").statusCode());
        assertEquals(200, get(node1.secretUrl() + "/" + hash + ".narinfo", Tokens.write("secret")).statusCode(),
                "node 1 itself serves it");
    }

    @Test
    @Order(4)
    void aPeerNarInfoWithAForgedSignatureIsNotServed() throws Exception {
        // Node 2 keeps client signatures: this one claims to be node 1's key (trusted by node 3) but is garbage.
        byte[] garbage = new byte[64];
        new SecureRandom().nextBytes(garbage);
        String forged = "Sig: " + node1.key.name() + ":" + Base64.getEncoder().encodeToString(garbage) + "\n";
        long rejectedBefore = status(node3).getJsonObject("peerFallback").getLong("rejected");
        String hash = putSyntheticPath(node2.url(), "main", List.of(forged));
        await("node 2 announced the path", () -> status(node2).getJsonObject("dht").getLong("announced") >= 1);

        assertEquals(200, get(node2.url() + "/" + hash + ".narinfo").statusCode(), "node 2 serves it itself");
        // Node 3 finds node 2's announcement once it has spread; until then (and after) it must answer 404.
        await("node 3 rejects node 2's forged narinfo", () -> {
            assertEquals(404, get(node3.url() + "/" + hash + ".narinfo").statusCode(), "never served with a forged signature");
            return status(node3).getJsonObject("peerFallback").getLong("rejected") > rejectedBefore;
        });
    }

    @Test
    @Order(5)
    void afterNode1StopsNode3AnswersMissesPromptlyAndKeepsWhatItPulledThrough() throws Exception {
        String neverPulled = putSyntheticPath(node1.url(), "main", List.of());
        await("node 3 kept local copies", () -> status(node3).getJsonObject("peerFallback").getLong("pulledThrough")
                >= closure.size());
        node1.close();

        long start = System.nanoTime();
        int missStatus = get(node3.url() + "/" + neverPulled + ".narinfo").statusCode();
        long missMillis = (System.nanoTime() - start) / 1_000_000;
        int unknownStatus = get(node3.url() + "/" + randomHash() + ".narinfo").statusCode();
        System.out.printf("node 3 miss of a path only the stopped node 1 held: %d in %d ms%n", missStatus, missMillis);
        assertEquals(404, missStatus);
        assertEquals(404, unknownStatus);
        // Not a hang: far below the 7-9 s the library takes to give up on a dead node.
        assertTrue(missMillis < 5_000, missMillis + " ms");

        nix.delete(closure);
        fetch(node3);
        assertByteIdentical();
    }

    @Test
    @Order(6)
    void withoutTheLibraryAClusterConfigRunsStandaloneAndSaysSoInOneLine() throws Exception {
        ClusterNode lonely = new ClusterNode(dir.resolve("lonely"), "lonely");
        Path config = dir.resolve("lonely-config.yaml");
        Files.writeString(config, "server:\n  hostname: 127.0.0.1\n  standalone: false\n"
                + "  data-dir: " + dir.resolve("lonely/data") + "\n  server-port: " + TestServer.freePort()
                + "\n  deploy-port: " + TestServer.freePort() + "\n  key: " + TestServer.KEY
                + "\n  dht-port: " + lonely.dhtPort + "\ncaches:\n  - name: main\n    port: " + lonely.httpPort + "\n");
        try (ServerProcess server = ServerProcess.start(config, lonely.httpPort,
                "-Dcache-server.dht.library=libopendht-c-absent.so.2")) {
            assertEquals(200, get("http://127.0.0.1:" + lonely.httpPort + "/nix-cache-info").statusCode());
            assertEquals(404, get("http://127.0.0.1:" + lonely.httpPort + "/" + randomHash() + ".narinfo").statusCode());
            JsonObject dht = new JsonObject(get("http://127.0.0.1:" + lonely.httpPort + "/api/v1/dht/status", ADMIN).body())
                    .getJsonObject("dht");
            assertEquals("standalone", dht.getString("mode"));
            List<String> lines = server.output().lines().filter(l -> l.contains("STANDALONE")).toList();
            assertEquals(1, lines.size(), server.output());
            assertTrue(lines.get(0).contains("libopendht-c2"), lines.get(0));
        }
    }

    @Test
    @Order(7)
    void theDhtStatusNeedsAnAdminToken() throws Exception {
        assertEquals(401, get(node3.url() + "/api/v1/dht/status").statusCode());
        assertEquals(403, get(node3.url() + "/api/v1/dht/status", Tokens.write("main")).statusCode());
        JsonObject dht = status(node3).getJsonObject("dht");
        assertEquals("cluster", dht.getString("mode"));
        assertEquals(ClusterNode.NETWORK, dht.getLong("network"));
        assertTrue(dht.getLong("lookups") > 0, dht.encode());
    }

    private void fetch(ClusterNode node) throws Exception {
        fetch(node, node.key.publicKey().toString());
    }

    private void fetch(ClusterNode node, String trustedPublicKey) throws Exception {
        List<String> command = new ArrayList<>(List.of("nix", "copy", "--from", node.url(), "--option",
                "require-sigs", "true", "--option", "trusted-public-keys", trustedPublicKey));
        command.addAll(closure);
        nix.run(command.toArray(String[]::new));
    }

    private void assertByteIdentical() throws Exception {
        for (String path : closure) {
            assertEquals(narSha.get(path), nix.narSha256(path), path);
        }
    }

    /** Uploads a one-file NAR and its narinfo (with {@code extraLines}) to a cache; returns the store path hash. */
    private String putSyntheticPath(String cacheUrl, String cache, List<String> extraLines) throws Exception {
        byte[] nar = TestNars.regularFile(("synthetic " + System.nanoTime()).getBytes(StandardCharsets.UTF_8));
        byte[] file = TestNars.zstd(nar);
        String hash = randomHash();
        String narInfo = TestNars.narInfo(hash, "synthetic", nar, file, "zstd", ".nar.zst") + String.join("", extraLines);
        String token = Tokens.write(cache);
        String narUrl = cacheUrl + "/nar/" + TestNars.sha256(file).nix32() + ".nar.zst";
        assertEquals(200, send(HttpRequest.newBuilder(URI.create(narUrl)).PUT(HttpRequest.BodyPublishers.ofByteArray(file)), token).statusCode());
        HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(cacheUrl + "/" + hash + ".narinfo"))
                .PUT(HttpRequest.BodyPublishers.ofString(narInfo)), token);
        assertEquals(200, put.statusCode(), put.body());
        return hash;
    }

    private JsonObject status(ClusterNode node) throws Exception {
        HttpResponse<String> response = get(node.url() + "/api/v1/dht/status", ADMIN);
        assertEquals(200, response.statusCode(), response.body());
        return new JsonObject(response.body());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return get(url, null);
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).GET(), token);
    }

    private HttpResponse<String> send(HttpRequest.Builder builder, String token) throws Exception {
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return http.send(builder.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    interface Check {
        boolean holds() throws Exception;
    }

    private static void await(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(100);
        }
    }

    static String randomHash() {
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            sb.append(NIX32.charAt(random.nextInt(32)));
        }
        return sb.toString();
    }
}
