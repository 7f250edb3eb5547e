package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.adapters.persistence.postgres.PostgresConnection;
import dev.cacheserver.bootstrap.MainAccess;
import dev.cacheserver.adapters.persistence.postgres.PostgresTestServer;
import dev.cacheserver.domain.signing.SecretSigningKey;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two cache-servers (replicas) on one real PostgreSQL database and one signing key: what is pushed through one is
 * served by the other at once with the same signature (also to the real nix, NARs on a storage both replicas
 * mount), a miss the other cached is cleared by the push, a path
 * deleted through one stops being served from the other's memory, and a revoked token is refused by both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class SharedDatabaseReplicasTest extends HttpTestSupport {
    @TempDir
    static Path dir;
    PostgresConnection database;
    TestServer a;
    TestServer b;

    SharedDatabaseReplicasTest() {
        super(17);
    }

    @BeforeAll
    void start() throws Exception {
        database = PostgresTestServer.shared().newDatabase();
        Path password = Files.writeString(dir.resolve("pg-password"), database.password().orElseThrow() + "\n");
        Path key = Files.writeString(dir.resolve("signing.secret"), SecretSigningKey.generate("main-1").toNixFormat());
        String server = "  database: postgresql://" + database.user() + "@" + database.host() + ":" + database.port()
                + "/" + database.database() + "\n"
                + "  database-password-file: " + password + "\n";
        Path nars = Files.createDirectories(dir.resolve("shared-nars"));
        String storage = """
                    storages:
                      - name: disk
                        type: local
                        root: %s
                        shared: true
                """.formatted(nars);
        String caches = "caches:\n"
                + "  - name: main\n    port: PORT1\n    signing-key-file: " + key + "\n" + storage
                + "  - name: secret\n    port: PORT2\n    access: private\n" + storage
                + "  - name: shared\n    port: PORT3\n    signing-key-file: " + key + "\n" + storage
                + "  - name: expiring\n    port: PORT4\n    retention: 2s\n" + storage;
        a = TestServer.start(Files.createDirectories(dir.resolve("a")), server, caches,
                TestServer.freePort(), TestServer.freePort(), TestServer.freePort(), TestServer.freePort());
        b = TestServer.start(Files.createDirectories(dir.resolve("b")), server, caches,
                TestServer.freePort(), TestServer.freePort(), TestServer.freePort(), TestServer.freePort());
    }

    @AfterAll
    void stop() {
        try {
            a.close();
        } finally {
            b.close();
        }
    }

    /** Uploads a NAR (zstd) and its narinfo through {@code server}, as Nix does. */
    void push(TestServer server, String hash) throws Exception {
        push(server, "main", hash);
    }

    void push(TestServer server, String cache, String hash) throws Exception {
        byte[] nar = TestNars.regularFile(randomBytes(3000));
        byte[] file = TestNars.zstd(nar);
        String info = TestNars.narInfo(hash, "pkg", nar, file, "zstd", ".nar.zst");
        String url = dev.cacheserver.domain.narinfo.NarInfoText.parse(info).narFile().url();
        assertEquals(200, send("PUT", server.url(cache) + "/" + url, file, Tokens.write(cache)).statusCode());
        HttpResponse<String> put = send("PUT", server.url(cache) + "/" + hash + ".narinfo",
                info.getBytes(StandardCharsets.UTF_8), Tokens.write(cache));
        assertEquals(200, put.statusCode(), put.body());
    }

    int narInfoStatus(TestServer server, String hash) {
        try {
            return send("GET", server.url("main") + "/" + hash + ".narinfo", null, null).statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aPathPushedThroughOneReplicaIsServedByTheOtherWithTheSameSignature() throws Exception {
        String hash = storeHash();
        push(a, hash);

        HttpResponse<String> fromB = send("GET", b.url("main") + "/" + hash + ".narinfo", null, null);
        HttpResponse<String> fromA = send("GET", a.url("main") + "/" + hash + ".narinfo", null, null);
        assertEquals(200, fromB.statusCode());
        assertEquals(fromA.body(), fromB.body());
    }

    /** The real nix pushes to one replica and substitutes from the other, checking the shared key's signatures. */
    @Test
    void nixCopiesToOneReplicaAndFromTheOther() throws Exception {
        NixClientCheck.run(dir.resolve("nix-work"), a.url("shared"), a.publicKey("shared"), "--token",
                Tokens.write("shared"), "--fetch-url", b.url("shared"), "--sizes", "1024 65536");
    }

    /** Sweeps started on both replicas at once: one sweeps, the other is refused or finds nothing; none twice. */
    @Test
    void garbageCollectionOnTwoReplicasAtOnceDeletesEachPathOnce() throws Exception {
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            hashes.add(storeHash());
            push(a, "expiring", hashes.get(i));
        }
        String dryRun = "/api/v1/admin/gc?cache=expiring&dry-run=true";
        Eventually.await("the pushed paths expire", () -> removed(send(a, dryRun)) == hashes.size());

        List<CompletableFuture<HttpResponse<String>>> sweeps = new ArrayList<>();
        for (TestServer replica : new TestServer[] {a, b}) {
            sweeps.add(http.sendAsync(HttpRequest.newBuilder(URI.create(replica.apiUrl() + "/api/v1/admin/gc?cache=expiring"))
                    .header("Authorization", "Bearer " + Tokens.admin()).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        int removedInAll = 0;
        for (CompletableFuture<HttpResponse<String>> sweep : sweeps) {
            HttpResponse<String> answer = sweep.get(60, TimeUnit.SECONDS);
            assertTrue(answer.statusCode() == 200 || answer.statusCode() == 409, answer.statusCode() + " " + answer.body());
            if (answer.statusCode() == 200) {
                removedInAll += removed(answer);
            }
        }
        assertEquals(hashes.size(), removedInAll, "every expired path deleted once, by one replica");
        for (String hash : hashes) {
            assertEquals(404, send("GET", b.url("expiring") + "/" + hash + ".narinfo", null, null).statusCode());
        }
    }

    HttpResponse<String> send(TestServer replica, String adminPath) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(replica.apiUrl() + adminPath))
                    .header("Authorization", "Bearer " + Tokens.admin()).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static int removed(HttpResponse<String> gc) {
        assertEquals(200, gc.statusCode(), gc.body());
        return new JsonObject(gc.body()).getJsonArray("reports").getJsonObject(0).getInteger("removedPathCount");
    }

    @Test
    void aMissCachedOnOneReplicaIsClearedByAPushThroughTheOther() throws Exception {
        String hash = storeHash();
        assertEquals(404, narInfoStatus(b, hash), "b answers and caches a miss");

        push(a, hash);

        Eventually.await("b serves the path pushed through a", () -> narInfoStatus(b, hash) == 200);
    }

    @Test
    void aPathDeletedThroughOneReplicaIsNoLongerServedFromTheOthersMemory() throws Exception {
        String hash = storeHash();
        push(a, hash);
        assertEquals(200, narInfoStatus(b, hash), "b renders the narinfo and keeps it in memory");

        HttpResponse<String> deleted = send("DELETE", a.apiUrl() + "/api/v1/admin/caches/main/paths/" + hash, null,
                Tokens.admin());
        assertEquals(200, deleted.statusCode(), deleted.body());

        Eventually.await("b stops serving the path deleted through a", () -> narInfoStatus(b, hash) == 404);
    }

    @Test
    void aTokenRevokedInTheSharedDatabaseIsRefusedByEveryReplica() throws Exception {
        String info = b.url("secret") + "/nix-cache-info";
        assertEquals(200, send("GET", info, null, Tokens.read("secret")).statusCode());
        MainAccess.Result revoked = MainAccess.run("--config", a.dir.resolve("config.yaml").toString(),
                "revoke-token", "r1");
        assertEquals(0, revoked.exit(), revoked.err());

        for (TestServer replica : new TestServer[] {a, b}) {
            Eventually.await("the revoked token is refused", () -> {
                try {
                    return send("GET", replica.url("secret") + "/nix-cache-info", null, Tokens.read("secret"))
                            .statusCode() == 401;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
    }
}
