package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.adapters.persistence.SqliteDatabase;
import dev.cacheserver.adapters.persistence.SqliteTokenRevocations;
import dev.cacheserver.adapters.http.PartUploadUrls;
import dev.cacheserver.application.port.in.PartGrant;
import dev.cacheserver.application.cachix.UploadCapabilities;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import dev.cacheserver.domain.model.Nix32;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Cachix API's checks, each asserting the status the client sees and that nothing was published:
 * wrong MD5, wrong ETag, missing part, wrong hashes or sizes, expired/forged/reused upload URLs, abort, bad,
 * foreign, read-only and revoked tokens, an idempotent re-push; plus the wire details (exact 200s, JSON
 * content types, every BinaryCache field, empty bearer) and an upload that survives a restart. Uses small
 * synthetic NARs, so it needs no nix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CachixProtocolTest {
    @TempDir
    static Path dir;
    CachixServer server;
    final HttpClient http = HttpClient.newHttpClient();
    final SecureRandom random = new SecureRandom();

    @BeforeAll
    void start() throws Exception {
        server = CachixServer.start(dir, """
                caches:
                  - name: main
                    port: PORT1
                  - name: other-cache
                    port: PORT2
                  - name: secret
                    port: PORT3
                    access: private
                """, 3);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** A synthetic store path: its NAR, the zstd file and the narInfoCreate a client would send. */
    final class Path1 {
        final String hash = Nix32.encode(Arrays.copyOf(randomBytes(32), 20));
        final byte[] nar = TestNars.regularFile(randomBytes(300_000));
        final byte[] file = TestNars.zstd(nar);

        JsonObject create() {
            return new JsonObject().put("cStoreHash", hash).put("cStoreSuffix", "synthetic")
                    .put("cNarHash", TestNars.sha256(nar).toString()).put("cNarSize", nar.length)
                    .put("cFileHash", TestNars.sha256(file).hex()).put("cFileSize", file.length)
                    .put("cReferences", new JsonArray()).put("cDeriver", "unknown-deriver").putNull("cSig");
        }

        JsonObject create(Consumer<JsonObject> change) {
            JsonObject c = create();
            change.accept(c);
            return c;
        }
    }

    CachixClient client(String cache) {
        CachixClient c = new CachixClient(server.api(), Tokens.write(cache));
        c.retryBudget = java.time.Duration.ofSeconds(2);
        return c;
    }

    /** An upload with {@code parts} PUT in the given order; returns narId, uploadId and each part's ETag. */
    record Upload(String narId, String uploadId, List<String> urls, List<String> eTags) {
    }

    Upload upload(String cache, byte[]... parts) throws Exception {
        CachixClient c = client(cache);
        JsonObject created = c.createNar(cache, "zst");
        String narId = created.getString("narId");
        String uploadId = created.getString("uploadId");
        String[] urls = new String[parts.length];
        String[] tags = new String[parts.length];
        for (int i = parts.length - 1; i >= 0; i--) { // last part first: order must not matter
            String md5 = CachixClient.md5(parts[i], parts[i].length);
            urls[i] = c.uploadUrl(cache, narId, uploadId, i + 1, md5);
            tags[i] = c.putPart(urls[i], parts[i], md5).orElseThrow();
        }
        return new Upload(narId, uploadId, List.of(urls), List.of(tags));
    }

    JsonArray partList(Upload u) {
        JsonArray parts = new JsonArray();
        for (int i = 0; i < u.eTags().size(); i++) {
            parts.add(new JsonObject().put("partNumber", i + 1).put("eTag", u.eTags().get(i)));
        }
        return parts;
    }

    int completeStatus(String cache, Upload u, JsonArray parts, JsonObject create) throws Exception {
        try {
            client(cache).complete(cache, u.narId(), u.uploadId(), parts, create);
            return 200;
        } catch (CachixClient.ClientError e) {
            return e.status;
        }
    }

    void assertNotPublished(String cache, Path1 p) throws Exception {
        assertEquals(404, get(server.url(cache) + "/" + p.hash + ".narinfo", null).statusCode());
        assertEquals(404, get(server.url(cache) + "/nar/" + TestNars.sha256(p.file).nix32() + ".nar.zst", null)
                .statusCode(), "no NAR is left behind");
        assertEquals(List.of(p.hash), new CachixClient(server.api(), "").missing(cache, List.of(p.hash)));
    }

    @Test
    void outOfOrderPartsWithAnEmptyLastPartAndNullPartsPublish() throws Exception {
        Path1 p = new Path1();
        byte[] first = Arrays.copyOf(p.file, 1000);
        byte[] second = Arrays.copyOfRange(p.file, 1000, p.file.length);
        Upload u = upload("main", first, second, new byte[0]);
        assertEquals("\"" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(new byte[0])) + "\"",
                u.eTags().get(2));

        assertEquals(200, completeStatus("main", u, null, p.create()));

        HttpResponse<String> narInfo = get(server.url("main") + "/" + p.hash + ".narinfo", null);
        assertEquals(200, narInfo.statusCode());
        assertTrue(narInfo.body().contains("Sig: " + server.publicKey("main").split(":")[0] + ":"), narInfo.body());
        String url = narInfo.body().lines().filter(l -> l.startsWith("URL: ")).findFirst().orElseThrow().substring(5);
        assertArrayEquals(p.file, getBytes(server.url("main") + "/" + url));
        assertEquals(List.of(), client("main").missing("main", List.of(p.hash)));
    }

    @Test
    void aWrongMd5IsRejectedAndNothingIsPublished() throws Exception {
        Path1 p = new Path1();
        CachixClient c = client("main");
        JsonObject created = c.createNar("main", "zst");
        String md5 = CachixClient.md5(p.file, p.file.length);
        String url = c.uploadUrl("main", created.getString("narId"), created.getString("uploadId"), 1, md5);
        byte[] tampered = p.file.clone();
        tampered[10] ^= 1;

        assertEquals(400, put(url, tampered, md5).statusCode(), "body does not match Content-MD5");
        assertEquals(400, put(url, p.file, CachixClient.md5(tampered, tampered.length)).statusCode(),
                "Content-MD5 differs from the one the URL was made for");
        Upload u = new Upload(created.getString("narId"), created.getString("uploadId"), List.of(url), List.of());

        assertEquals(400, completeStatus("main", u, null, p.create()), "no part was stored");
        assertNotPublished("main", p);
    }

    @Test
    void aWrongETagOrAMissingPartIsRejected() throws Exception {
        Path1 p = new Path1();
        byte[] first = Arrays.copyOf(p.file, 5000);
        byte[] second = Arrays.copyOfRange(p.file, 5000, p.file.length);
        Upload u = upload("main", first, second);
        JsonArray wrongTag = partList(u);
        wrongTag.getJsonObject(1).put("eTag", "\"0123456789abcdef0123456789abcdef\"");
        JsonArray extraPart = partList(u).add(new JsonObject().put("partNumber", 3).put("eTag", u.eTags().get(0)));
        JsonArray gap = new JsonArray().add(partList(u).getJsonObject(1));

        assertEquals(400, completeStatus("main", u, wrongTag, p.create()));
        assertEquals(400, completeStatus("main", u, extraPart, p.create()));
        assertEquals(400, completeStatus("main", u, gap, p.create()));
        assertNotPublished("main", p);

        Path1 q = new Path1();
        Upload onlySecond = upload("main", Arrays.copyOf(q.file, 1));
        // Part 1 exists under number 1 only; pretend the client uploaded 2 parts but the server got one.
        assertEquals(400, completeStatus("main", onlySecond, partList(onlySecond)
                .add(new JsonObject().put("partNumber", 2).put("eTag", onlySecond.eTags().get(0))), q.create()));
        assertNotPublished("main", q);

        // The upload is still usable once the client sends the right ETags.
        assertEquals(200, completeStatus("main", u, partList(u), p.create()));
    }

    @Test
    void wrongHashesOrSizesInNarInfoCreateAreRejected() throws Exception {
        Path1 p = new Path1();
        List<Consumer<JsonObject>> lies = List.of(
                c -> c.put("cFileHash", TestNars.sha256(p.nar).hex()),
                c -> c.put("cFileSize", p.file.length + 1),
                c -> c.put("cNarHash", TestNars.sha256(p.file).toString()),
                c -> c.put("cNarSize", p.nar.length - 8),
                c -> c.put("cFileHash", "../../escaped"),
                c -> c.put("cStoreSuffix", "../x"));
        for (Consumer<JsonObject> lie : lies) {
            Upload u = upload("main", p.file);
            assertEquals(400, completeStatus("main", u, partList(u), p.create(lie)), p.create(lie).encode());
            assertNotPublished("main", p);
        }
    }

    @Test
    void expiredForgedAndReusedUploadUrlsAreRefused() throws Exception {
        Path1 p = new Path1();
        CachixClient c = client("main");
        JsonObject created = c.createNar("main", "zst");
        UUID narId = UUID.fromString(created.getString("narId"));
        String md5 = CachixClient.md5(p.file, p.file.length);
        UploadCapabilities caps = new UploadCapabilities(TestServer.KEY.getBytes(StandardCharsets.UTF_8));
        PartGrant expired = new PartGrant(narId, 1, md5, Instant.now().minusSeconds(1).getEpochSecond());
        String base = server.url("main") + PartUploadUrls.PATH_PREFIX + narId + "/1?md5=" + URLEncoder.encode(md5,
                StandardCharsets.UTF_8);
        String good = c.uploadUrl("main", narId.toString(), created.getString("uploadId"), 1, md5);

        assertEquals(403, put(base + "&expires=" + expired.expiresEpochSecond() + "&sig=" + caps.sign(expired), p.file,
                md5).statusCode(), "expired URL");
        assertEquals(403, put(good.replace("/1?", "/2?"), p.file, md5).statusCode(), "URL bent to another part");
        assertEquals(403, put(good.replaceAll("sig=[^&]+", "sig=AAAA"), p.file, md5).statusCode(), "forged signature");
        assertEquals(403, put(good.replace(narId.toString(), UUID.randomUUID().toString()), p.file, md5).statusCode(),
                "URL bent to another upload");
        Upload u = new Upload(narId.toString(), created.getString("uploadId"), List.of(good), List.of());
        assertEquals(400, completeStatus("main", u, null, p.create()));
        assertNotPublished("main", p);

        HttpResponse<String> accepted = put(good, p.file, md5);
        assertEquals(200, accepted.statusCode());
        assertEquals(200, completeStatus("main", u, null, p.create()));
        String before = get(server.url("main") + "/" + p.hash + ".narinfo", null).body();

        assertEquals(404, put(good, p.file, md5).statusCode(), "an upload URL is dead once its upload completed");
        assertEquals(before, get(server.url("main") + "/" + p.hash + ".narinfo", null).body());
    }

    @Test
    void abortDiscardsTheUpload() throws Exception {
        Path1 p = new Path1();
        Upload u = upload("main", p.file);

        client("main").abort("main", u.narId(), u.uploadId());

        assertEquals(404, completeStatus("main", u, partList(u), p.create()));
        assertEquals(404, put(u.urls().get(0), p.file, CachixClient.md5(p.file, p.file.length)).statusCode());
        assertNotPublished("main", p);
        assertTrue(java.nio.file.Files.notExists(dir.resolve("data/uploads/" + u.narId())), "its parts are deleted");
    }

    @Test
    void badForeignReadOnlyAndRevokedTokensCannotPush() throws Exception {
        Path1 p = new Path1();
        CachixClient garbage = new CachixClient(server.api(), "not-a-token");
        CachixClient foreign = new CachixClient(server.api(), Tokens.write("other-cache"));
        CachixClient reader = new CachixClient(server.api(), Tokens.read("main"));
        CachixClient anonymous = new CachixClient(server.api(), "");
        Hs256Tokens tokens = new Hs256Tokens(TestServer.KEY.getBytes(StandardCharsets.UTF_8));
        String revocable = tokens.issue(new TokenClaims("main", Permission.WRITE, null, "to-revoke-" + UUID.randomUUID()));
        CachixClient revoked = new CachixClient(server.api(), revocable);
        Upload u = upload("main", p.file);

        assertEquals(401, status(() -> garbage.createNar("main", "zst")));
        assertEquals(403, status(() -> foreign.createNar("main", "zst")), "a token for one cache is useless on another");
        assertEquals(403, status(() -> reader.createNar("main", "zst")), "a read token never pushes");
        assertEquals(401, status(() -> anonymous.createNar("main", "zst")));
        assertEquals(403, status(() -> foreign.complete("main", u.narId(), u.uploadId(), partList(u), p.create())));
        assertEquals(403, status(() -> reader.complete("main", u.narId(), u.uploadId(), partList(u), p.create())));
        assertEquals(401, status(() -> garbage.getCache("main")), "an invalid token is refused even on a public cache");
        assertEquals(401, status(() -> foreign.getCache("secret")));
        assertEquals("Read", new CachixClient(server.api(), Tokens.read("secret")).getCache("secret")
                .getString("permission"));
        assertEquals(200, status(() -> revoked.createNar("main", "zst")));
        assertNotPublished("main", p);

        Vertx vertx = Vertx.vertx();
        try {
            SqliteDatabase db = SqliteDatabase.open(vertx, dir.resolve("data/db.sqlite")).await();
            String id = tokens.verify(revocable, Instant.now()).id();
            new SqliteTokenRevocations(db).revoke(id, Instant.now()).toCompletableFuture().get();
            db.close().await();
        } finally {
            vertx.close().await();
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        int after = 0;
        while (System.nanoTime() < deadline && (after = status(() -> revoked.createNar("main", "zst"))) != 401) {
            Thread.sleep(500);
        }
        assertEquals(401, after, "a revoked token is refused once the server reloaded the revocations");
    }

    @Test
    void pushingAPathThatIsAlreadyThereIsIdempotentButOtherContentIsAConflict() throws Exception {
        Path1 p = new Path1();
        Upload first = upload("main", p.file);
        assertEquals(200, completeStatus("main", first, partList(first), p.create()));
        String before = get(server.url("main") + "/" + p.hash + ".narinfo", null).body();
        Upload same = upload("main", p.file);
        assertEquals(200, completeStatus("main", same, partList(same), p.create()), "the same content again");

        Path1 other = new Path1();
        Upload again = upload("main", other.file);
        JsonObject sameStorePathOtherContent = other.create(c -> c.put("cStoreHash", p.hash));
        assertEquals(409, completeStatus("main", again, partList(again), sameStorePathOtherContent),
                "a store path is immutable");

        assertEquals(before, get(server.url("main") + "/" + p.hash + ".narinfo", null).body());
        assertEquals(404, get(server.url("main") + "/nar/" + TestNars.sha256(other.file).nix32() + ".nar.zst", null)
                .statusCode());
    }

    @Test
    void wireDetailsMatchWhatServantAccepts() throws Exception {
        Path1 p = new Path1();
        Upload u = upload("main", p.file);
        assertEquals(200, completeStatus("main", u, partList(u), p.create()));

        HttpResponse<String> cache = send("GET", server.api() + "/api/v1/cache/main", "Bearer ", null);
        assertEquals(200, cache.statusCode());
        assertTrue(cache.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        JsonObject info = new JsonObject(cache.body());
        assertEquals(server.url("main").replaceAll("/$", ""), info.getString("uri"));
        assertEquals(List.of(server.publicKey("main")), info.getJsonArray("publicSigningKeys").getList());
        assertEquals("", info.getString("githubUsername"));
        assertEquals("Read", info.getString("permission"));
        assertEquals("ZSTD", info.getString("preferredCompressionMethod"));
        assertEquals(true, info.getBoolean("isPublic"));
        assertEquals("main", info.getString("name"));
        assertEquals(404, send("GET", server.api() + "/api/v1/cache/nope", "Bearer ", null).statusCode());

        String narInfoUrl = server.api() + "/api/v1/cache/main/" + p.hash + ".narinfo";
        assertEquals(200, send("HEAD", narInfoUrl, "Bearer ", null).statusCode());
        assertEquals(404, send("HEAD", server.api() + "/api/v1/cache/main/" + new Path1().hash + ".narinfo",
                "Bearer ", null).statusCode());
        HttpResponse<String> text = send("GET", narInfoUrl, "Bearer ", null);
        assertEquals(get(server.url("main") + "/" + p.hash + ".narinfo", null).body(), text.body());
        HttpRequest jsonReq = HttpRequest.newBuilder(URI.create(narInfoUrl)).header("Accept", "application/json").build();
        JsonObject json = new JsonObject(http.send(jsonReq, HttpResponse.BodyHandlers.ofString()).body());
        assertEquals(p.nar.length, json.getLong("narSize"));
        assertEquals("/nix/store/" + p.hash + "-synthetic", json.getString("storePath"));

        String absent = new Path1().hash;
        assertEquals(List.of(absent), client("main").missing("main", List.of(p.hash, absent, absent, p.hash)));
        assertEquals(400, status(() -> client("main").missing("main", List.of("../../etc/passwd"))));
        CachixClient.ClientError noPin = assertThrows(CachixClient.ClientError.class, () -> client("main")
                .pin("main", "v1", "/nix/store/" + absent + "-x", null));
        assertEquals(400, noPin.status);
        client("main").pin("main", "v1", "/nix/store/" + p.hash + "-synthetic",
                new JsonObject().put("tag", "Days").put("contents", 7));
        assertEquals(new JsonObject().putNull("value"), new JsonObject(client("main").jsonCall("GET",
                "/api/v1/dht/get/" + p.hash, null)));
        assertEquals(403, status(() -> client("main").noContentCall("POST", "/api/v1/dht/put",
                new JsonObject().put("key", "k").put("value", "v").put("permanent", false).encode())),
                "the DHT put needs an admin token");
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(server.api() + "/api/v1/dht/put"))
                .header("Authorization", "Bearer " + Tokens.admin())
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("key", "k").put("value", "v")
                        .put("permanent", false).encode())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(501, refused.statusCode(), "an admin's DHT put is refused for good, not 'retry later'");
        assertTrue(refused.headers().firstValue("Retry-After").isEmpty(), refused.headers().toString());
        assertTrue(refused.body().contains("never accepted"), refused.body());
    }

    @Test
    void anUploadInProgressSurvivesARestart() throws Exception {
        Path1 p = new Path1();
        byte[] first = Arrays.copyOf(p.file, 7000);
        byte[] second = Arrays.copyOfRange(p.file, 7000, p.file.length);
        CachixClient c = client("main");
        JsonObject created = c.createNar("main", "zst");
        String narId = created.getString("narId");
        String uploadId = created.getString("uploadId");
        String md5a = CachixClient.md5(first, first.length);
        String md5b = CachixClient.md5(second, second.length);
        String tagA = c.putPart(c.uploadUrl("main", narId, uploadId, 1, md5a), first, md5a).orElseThrow();
        String urlB = c.uploadUrl("main", narId, uploadId, 2, md5b);

        server.restart();

        String tagB = c.putPart(urlB, second, md5b).orElseThrow();
        c.complete("main", narId, uploadId, new JsonArray()
                .add(new JsonObject().put("partNumber", 1).put("eTag", tagA))
                .add(new JsonObject().put("partNumber", 2).put("eTag", tagB)), p.create());
        assertEquals(200, get(server.url("main") + "/" + p.hash + ".narinfo", null).statusCode());
    }

    // ---- helpers ----

    interface Call {
        void run() throws Exception;
    }

    static int status(Call call) throws Exception {
        try {
            call.run();
            return 200;
        } catch (CachixClient.ClientError e) {
            return e.status;
        }
    }

    HttpResponse<String> put(String url, byte[] body, String md5) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-MD5", md5).header("User-Agent", CachixClient.USER_AGENT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String url, String auth) throws Exception {
        return send("GET", url, auth, null);
    }

    byte[] getBytes(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    HttpResponse<String> send(String method, String url, String auth, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
