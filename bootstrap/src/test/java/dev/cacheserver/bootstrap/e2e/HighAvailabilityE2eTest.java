package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.bootstrap.MainAccess;
import dev.cacheserver.domain.narinfo.NarInfoText;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's proof on {@link ThreeReplicas} (one real PostgreSQL, one s3proxy, one signing key). The real nix
 * pushes to 1 and substitutes from 2; Cachix multipart uploads; a token revoked through 3 is refused by 1; GC
 * started on 2 and 3 at once deletes each expired path once; after 1 dies mid-upload, 2 and 3 keep serving and
 * the retry through 2 succeeds with nothing half-written served. Ordered: the kill comes last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(240)
class HighAvailabilityE2eTest extends HttpTestSupport {
    @TempDir
    static Path dir;
    ThreeReplicas replicas;
    ServerProcess replica1;
    TestServer replica2;
    TestServer replica3;
    final List<Socket> open = new ArrayList<>();

    HighAvailabilityE2eTest() {
        super(1703);
    }

    @BeforeAll
    void start() throws Exception {
        replicas = new ThreeReplicas(dir);
        replica1 = replicas.replica1;
        replica2 = replicas.replica2;
        replica3 = replicas.replica3;
    }

    @AfterAll
    void stop() throws Exception {
        for (Socket socket : open) {
            socket.close();
        }
        replicas.close();
    }

    String replica1Url() {
        return replicas.replica1Url();
    }

    @Test
    @Order(1)
    void nixPushesToReplica1AndSubstitutesFromReplica2WithTheSharedSignature() throws Exception {
        NixClientCheck.run(dir.resolve("nix-work"), replica1Url(), replicas.publicKey, "--token",
                Tokens.write("main"), "--fetch-url", replica2.url("main"), "--sizes", "1024 65536");
    }

    /**
     * The session lives in the database, but part data is kept by the replica that receives the part, which is
     * the one the part URL names (the replica whose API granted it). So parts go to, and the upload completes on,
     * the replica that granted the part URLs; every replica serves the result.
     */
    @Test
    @Order(2)
    void aCachixUploadCompletedOnTheReplicaThatReceivedItsPartsIsServedByEveryReplica() throws Exception {
        SplitCachixUpload upload = new SplitCachixUpload(storeHash(), TestNars.regularFile(randomBytes(200_000)));
        upload.create(replicas.replica1ApiUrl());
        for (String url : upload.putParts(replicas.replica1ApiUrl())) {
            assertTrue(url.startsWith(replica1Url() + "/"), "the part URL names replica 1: " + url);
        }
        assertEquals(200, upload.complete(replicas.replica1ApiUrl()));

        for (String base : List.of(replica1Url(), replica2.url("main"), replica3.url("main"))) {
            assertServed(base, upload.hash, upload.nar);
        }
    }

    /**
     * One upload spread over the replicas: created on 1, its part URLs granted and its parts PUT through 2, completed
     * on 3 (the part files are in the shared {@code upload-dir}); every replica serves it.
     */
    @Test
    @Order(2)
    void aCachixUploadCreatedOn1WithPartsThrough2AndCompletedOn3IsServedByEveryReplica() throws Exception {
        SplitCachixUpload upload = new SplitCachixUpload(storeHash(), TestNars.regularFile(randomBytes(200_000)));
        upload.create(replicas.replica1ApiUrl());
        for (String url : upload.putParts(replica2.apiUrl())) {
            assertTrue(url.startsWith(replica2.url("main") + "/"), "the part URL names replica 2: " + url);
        }

        assertEquals(200, upload.complete(replica3.apiUrl()));

        for (String base : List.of(replica1Url(), replica2.url("main"), replica3.url("main"))) {
            assertServed(base, upload.hash, upload.nar);
        }
    }

    /** {@code base} serves {@code hash}'s narinfo and, at its URL, the zstd file of {@code nar} as uploaded. */
    void assertServed(String base, String hash, byte[] nar) throws Exception {
        HttpResponse<String> info = send("GET", base + "/" + hash + ".narinfo", null, null);
        assertEquals(200, info.statusCode(), base + " " + info.body());
        String url = NarInfoText.parse(info.body()).narFile().url();
        HttpResponse<byte[]> file = http.send(HttpRequest.newBuilder(URI.create(base + "/" + url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, file.statusCode(), base + "/" + url);
        assertArrayEquals(TestNars.zstd(nar), file.body(), base);
    }

    @Test
    @Order(3)
    void aTokenRevokedThroughReplica3IsRefusedByReplica1() throws Exception {
        String info = "http://127.0.0.1:" + replicas.replica1Secret + "/nix-cache-info";
        assertEquals(200, send("GET", info, null, Tokens.read("secret")).statusCode());

        MainAccess.Result revoked = MainAccess.run("--config", replica3.dir.resolve("config.yaml").toString(),
                "revoke-token", "r1");
        assertEquals(0, revoked.exit(), revoked.err());

        Eventually.await("replica 1 refuses the token revoked through replica 3", () -> {
            try {
                return send("GET", info, null, Tokens.read("secret")).statusCode() == 401;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    @Order(4)
    void gcStartedOnTwoReplicasAtOnceDeletesEachExpiredPathOnce() throws Exception {
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            hashes.add(storeHash());
            push(replica2.url("expiring"), "expiring", hashes.get(i), TestNars.regularFile(randomBytes(2000)));
        }
        String dryRun = "/api/v1/admin/gc?cache=expiring&dry-run=true";
        Eventually.await("the pushed paths expire",
                () -> SharedDatabaseReplicasTest.removed(admin(replica2.apiUrl() + dryRun).join()) == hashes.size());

        List<CompletableFuture<HttpResponse<String>>> sweeps = List.of(
                admin(replica2.apiUrl() + "/api/v1/admin/gc?cache=expiring"),
                admin(replica3.apiUrl() + "/api/v1/admin/gc?cache=expiring"));
        int removedInAll = 0;
        for (CompletableFuture<HttpResponse<String>> sweep : sweeps) {
            HttpResponse<String> answer = sweep.get(60, TimeUnit.SECONDS);
            assertTrue(answer.statusCode() == 200 || answer.statusCode() == 409, answer.statusCode() + " " + answer.body());
            removedInAll += answer.statusCode() == 200 ? SharedDatabaseReplicasTest.removed(answer) : 0;
        }
        assertEquals(hashes.size(), removedInAll, "every expired path deleted once, by one replica");
        for (String hash : hashes) {
            assertEquals(404, send("GET", replica3.url("expiring") + "/" + hash + ".narinfo", null, null).statusCode());
        }
    }

    CompletableFuture<HttpResponse<String>> admin(String url) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + Tokens.admin())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A NAR (zstd) and its narinfo PUT through {@code base}, as Nix does; both must be accepted. */
    void push(String base, String cache, String hash, byte[] nar) throws Exception {
        byte[] file = TestNars.zstd(nar);
        String info = TestNars.narInfo(hash, "pkg", nar, file, "zstd", ".nar.zst");
        String url = NarInfoText.parse(info).narFile().url();
        HttpResponse<String> narPut = send("PUT", base + "/" + url, file, Tokens.write(cache));
        assertEquals(200, narPut.statusCode(), narPut.body());
        HttpResponse<String> put = send("PUT", base + "/" + hash + ".narinfo", info.getBytes(StandardCharsets.UTF_8),
                Tokens.write(cache));
        assertEquals(200, put.statusCode(), put.body());
    }

    @Test
    @Order(5)
    void replica1KilledMidUploadLeavesTheOthersServingAndTheRetryThroughReplica2Succeeds() throws Exception {
        String kept = storeHash();
        byte[] keptNar = TestNars.regularFile(randomBytes(50_000));
        push(replica1Url(), "main", kept, keptNar);
        String hash = storeHash();
        byte[] nar = TestNars.regularFile(randomBytes(2_000_000));
        byte[] file = TestNars.zstd(nar);
        String narUrl = "/" + NarInfoText.parse(TestNars.narInfo(hash, "retried", nar, file, "zstd", ".nar.zst"))
                .narFile().url();
        open.add(halfSent(replicas.replica1Main, narUrl, file));
        Path spool = dir.resolve("r1/data/spool/main");
        Eventually.await("replica 1 is writing the upload to its spool", () -> spooled(spool) > 0);

        replica1.process.destroyForcibly(); // SIGKILL
        assertTrue(replica1.process.waitFor(30, TimeUnit.SECONDS), "replica 1 is dead");

        for (TestServer replica : List.of(replica2, replica3)) {
            assertServed(replica.url("main"), kept, keptNar);
            assertEquals(404, send("GET", replica.url("main") + narUrl, null, null).statusCode(),
                    "nothing of the interrupted upload is served");
            assertEquals(404, send("GET", replica.url("main") + "/" + hash + ".narinfo", null, null).statusCode());
        }
        push(replica2.url("main"), "main", hash, nar);
        // Replica 3 remembered the miss just above; the publish through replica 2 is announced to it (NOTIFY).
        Eventually.await("replica 3 hears of the retried upload", () -> narInfoStatus(replica3, hash) == 200);
        assertServed(replica3.url("main"), hash, nar);
        assertServed(replica2.url("main"), hash, nar);
    }

    int narInfoStatus(TestServer replica, String hash) {
        try {
            return send("GET", replica.url("main") + "/" + hash + ".narinfo", null, null).statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Bytes in the spool files under {@code root}. */
    static long spooled(Path root) {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(root)) {
            return files.filter(java.nio.file.Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    /** A NAR PUT whose head and first half of the body are sent; the rest never comes. */
    static Socket halfSent(int port, String path, byte[] body) throws Exception {
        Socket socket = new Socket("127.0.0.1", port);
        OutputStream out = socket.getOutputStream();
        out.write(("PUT " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic "
                + java.util.Base64.getEncoder().encodeToString((":" + Tokens.write("main")).getBytes(StandardCharsets.UTF_8))
                + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, body.length / 2);
        out.flush();
        return socket;
    }
}
