package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cacheserver.adapters.persistence.postgres.PostgresConnection;
import dev.cacheserver.adapters.persistence.postgres.PostgresTestServer;
import dev.cacheserver.domain.model.Nix32;
import dev.cacheserver.domain.signing.SecretSigningKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Cachix multipart upload spread over two replicas on one real PostgreSQL database whose {@code server.upload-dir}
 * is one shared directory: created on A, its parts PUT through B and A, completed on B, served by both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class SharedDatabaseMultipartTest extends HttpTestSupport {
    @TempDir
    static Path dir;
    PostgresConnection database;
    TestServer a;
    TestServer b;

    SharedDatabaseMultipartTest() {
        super(29);
    }

    @BeforeAll
    void start() throws Exception {
        database = PostgresTestServer.shared().newDatabase();
        Path password = Files.writeString(dir.resolve("pg-password"), database.password().orElseThrow() + "\n");
        Path key = Files.writeString(dir.resolve("signing.secret"), SecretSigningKey.generate("main-1").toNixFormat());
        String server = "  database: postgresql://" + database.user() + "@" + database.host() + ":" + database.port()
                + "/" + database.database() + "\n"
                + "  database-password-file: " + password + "\n"
                + "  upload-dir: " + Files.createDirectories(dir.resolve("shared-uploads")) + "\n";
        String caches = "caches:\n  - name: main\n    port: PORT1\n    signing-key-file: " + key + "\n"
                + "    storages:\n      - name: disk\n        type: local\n"
                + "        root: " + Files.createDirectories(dir.resolve("shared-nars")) + "\n        shared: true\n";
        a = TestServer.start(Files.createDirectories(dir.resolve("a")), server, caches, TestServer.freePort());
        b = TestServer.start(Files.createDirectories(dir.resolve("b")), server, caches, TestServer.freePort());
    }

    @AfterAll
    void stop() {
        try {
            a.close();
        } finally {
            b.close();
        }
    }

    CachixClient client(TestServer replica) {
        CachixClient c = new CachixClient(replica.apiUrl(), Tokens.write("main"));
        c.retryBudget = java.time.Duration.ofSeconds(2);
        return c;
    }

    /** The part URL as the load balancer would route it to {@code replica}. */
    static String through(TestServer replica, String url) {
        URI uri = URI.create(url);
        return "http://127.0.0.1:" + replica.cache("main").settings().port() + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    @Test
    void anUploadCreatedOnOneReplicaGetsItsPartsThroughBothAndCompletesOnTheOther() throws Exception {
        String hash = Nix32.encode(Arrays.copyOf(randomBytes(32), 20));
        byte[] nar = TestNars.regularFile(randomBytes(300_000));
        byte[] file = TestNars.zstd(nar);
        byte[] first = Arrays.copyOf(file, 1000);
        byte[] second = Arrays.copyOfRange(file, 1000, file.length);

        JsonObject created = client(a).createNar("main", "zst");
        String narId = created.getString("narId");
        String uploadId = created.getString("uploadId");
        String md5First = CachixClient.md5(first, first.length);
        String md5Second = CachixClient.md5(second, second.length);
        String tagFirst = client(b).putPart(through(b, client(a).uploadUrl("main", narId, uploadId, 1, md5First)),
                first, md5First).orElseThrow();
        String tagSecond = client(a).putPart(through(a, client(b).uploadUrl("main", narId, uploadId, 2, md5Second)),
                second, md5Second).orElseThrow();
        JsonObject create = new JsonObject().put("cStoreHash", hash).put("cStoreSuffix", "synthetic")
                .put("cNarHash", TestNars.sha256(nar).toString()).put("cNarSize", nar.length)
                .put("cFileHash", TestNars.sha256(file).hex()).put("cFileSize", file.length)
                .put("cReferences", new JsonArray()).put("cDeriver", "unknown-deriver").putNull("cSig");
        client(b).complete("main", narId, uploadId, new JsonArray()
                .add(new JsonObject().put("partNumber", 1).put("eTag", tagFirst))
                .add(new JsonObject().put("partNumber", 2).put("eTag", tagSecond)), create);

        for (TestServer replica : new TestServer[] {a, b}) {
            HttpResponse<String> info = send("GET", replica.url("main") + "/" + hash + ".narinfo", null, null);
            assertEquals(200, info.statusCode());
            String url = info.body().lines().filter(l -> l.startsWith("URL: ")).findFirst().orElseThrow().substring(5);
            HttpResponse<byte[]> narFile = http.send(HttpRequest.newBuilder(URI.create(replica.url("main") + "/" + url))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, narFile.statusCode());
            assertArrayEquals(file, narFile.body(), "the assembled parts, on every replica");
        }
    }
}
