package dev.cacheserver.adapters.http;

import static dev.cacheserver.adapters.http.TestHttp.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.port.in.FindMissingPaths.FindMissingPathsCommand;
import dev.cacheserver.application.port.in.ManagePins.PinCommand;
import dev.cacheserver.domain.error.AuthenticationException;
import dev.cacheserver.domain.error.ConflictException;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.PermissionDeniedException;
import dev.cacheserver.domain.error.UnavailableException;
import dev.cacheserver.domain.upload.Pin;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Cachix API port over in-memory use cases: what each route answers, in status, content type and body, for
 * success and for each failure a use case reports; and that the token reaches the use case untouched.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class CachixApiRoutesTest {
    private static final String JSON = "application/json; charset=utf-8";
    private final FakeCachixUseCases fake = new FakeCachixUseCases();
    private WebClient client;

    @TempDir
    Path spool;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        int port = TestHttp.freePort();
        var uploads = CachixUploadsForTests.create(spool);
        CachixApi api = new CachixApi(fake, fake, fake, fake, fake, fake, fake, uploads, uploads, "127.0.0.1", port);
        TestHttp.await(vertx.deployVerticle(new CachixApiVerticle(api)));
        client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    }

    private static JsonObject error(HttpResponse<Buffer> response, int status) {
        assertEquals(status, response.statusCode(), response.bodyAsString());
        assertEquals(JSON, response.getHeader("Content-Type"));
        return response.bodyAsJsonObject();
    }

    @Test
    void describesACacheAsTheCachixClientReadsIt() throws Exception {
        HttpResponse<Buffer> response = send(client.get("/api/v1/cache/main").bearerTokenAuthentication("t1"));

        assertEquals(200, response.statusCode());
        assertEquals(JSON, response.getHeader("Content-Type"));
        JsonObject body = response.bodyAsJsonObject();
        assertEquals("main", body.getString("name"));
        assertEquals("Read", body.getString("permission"));
        assertEquals("ZSTD", body.getString("preferredCompressionMethod"));
        assertEquals(new JsonArray().add(FakeCachixUseCases.KEY.toString()), body.getJsonArray("publicSigningKeys"));
        assertEquals(new FakeCachixUseCases.Call("describe", Optional.of("t1")), fake.calls.get(0));
    }

    @Test
    void anUnknownCacheIs404WithAJsonError() throws Exception {
        JsonObject body = error(send(client.get("/api/v1/cache/nope")), 404);
        assertTrue(body.getString("error").contains("nope"), body.encode());
    }

    @Test
    void aPrivateCacheRefusedByTheUseCaseIs401WithAChallenge() throws Exception {
        fake.failWith(new AuthenticationException("cache main is private: this request needs a token"));
        HttpResponse<Buffer> response = send(client.get("/api/v1/cache/main"));

        assertEquals("cache main is private: this request needs a token", error(response, 401).getString("error"));
        assertEquals("Bearer realm=\"cache-server\"", response.getHeader("WWW-Authenticate"));
        assertEquals(Optional.empty(), fake.calls.get(0).token(), "no Authorization header: anonymous");
    }

    @Test
    void theBulkQueryAnswersTheMissingHashesAndAllowsAnonymousCallers() throws Exception {
        String other = "0".repeat(32);
        HttpResponse<Buffer> response = send(client.post("/api/v1/cache/main/narinfo"),
                new JsonArray().add(FakeCachixUseCases.HASH).add(other).encode());

        assertEquals(200, response.statusCode(), response.bodyAsString());
        assertEquals(JSON, response.getHeader("Content-Type"));
        assertEquals(new JsonArray().add(other), response.bodyAsJsonArray());
        FindMissingPathsCommand command = (FindMissingPathsCommand) fake.commands.get(0);
        assertEquals(List.of(FakeCachixUseCases.HASH, other), command.hashes());
    }

    @Test
    void aBulkQueryThatIsNotAnArrayOfStringsIs400() throws Exception {
        JsonObject body = error(send(client.post("/api/v1/cache/main/narinfo"), "{\"a\": 1}"), 400);
        assertTrue(body.getString("error").contains("JSON array"), body.encode());
        assertFalse(fake.called("missing"));
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        HttpResponse<Buffer> response = send(client.post("/api/v1/cache/main/narinfo"),
                "[" + "\"x\",".repeat(CachixApiRoutes.BODY_LIMIT / 4 + 1) + "\"x\"]");
        assertEquals("the body is too large", error(response, 413).getString("error"));
        assertFalse(fake.called("missing"));
    }

    @Test
    void anInvalidTokenIs401BeforeTheBodyIsRead() throws Exception {
        HttpResponse<Buffer> response = send(client.post("/api/v1/cache/main/narinfo").bearerTokenAuthentication("bad"),
                "[]");
        assertEquals("the token is not valid", error(response, 401).getString("error"));
        assertFalse(fake.called("missing"));
    }

    @Test
    void writesWithoutATokenAre401AndNeverReachTheUseCase() throws Exception {
        for (String path : List.of("/api/v1/cache/main/pin", "/api/v1/cache/main/key", "/api/v1/cache/main/multipart-nar",
                "/api/v1/dht/put")) {
            JsonObject body = error(send(client.post(path), "{}"), 401);
            assertEquals("this request needs a token", body.getString("error"), path);
        }
        assertFalse(fake.called("pin") || fake.called("register") || fake.called("authorizePut"));
    }

    @Test
    void aNarInfoIsServedAsTextOrAsJsonWhenAsked() throws Exception {
        String path = "/api/v1/cache/main/" + FakeCachixUseCases.HASH + ".narinfo";
        HttpResponse<Buffer> text = send(client.get(path));
        assertEquals(200, text.statusCode());
        assertEquals("text/x-nix-narinfo", text.getHeader("Content-Type"));
        assertEquals(FakeCachixUseCases.NARINFO, text.bodyAsString());

        HttpResponse<Buffer> json = send(client.get(path).putHeader("Accept", "application/json"));
        assertEquals(200, json.statusCode());
        assertEquals(JSON, json.getHeader("Content-Type"));
        assertEquals("/nix/store/" + FakeCachixUseCases.HASH + "-ca-2394.bin", json.bodyAsJsonObject().getString("storePath"));
        assertEquals(2160L, json.bodyAsJsonObject().getLong("narSize"));

        HttpResponse<Buffer> head = send(client.head(path));
        assertEquals(200, head.statusCode());
        assertEquals("0", head.getHeader("Content-Length"));
    }

    @Test
    void aPathTheCacheLacksIs404() throws Exception {
        JsonObject body = error(send(client.get("/api/v1/cache/main/" + "1".repeat(32) + ".narinfo")), 404);
        assertEquals("no such path in cache main", body.getString("error"));
    }

    @Test
    void theCacheInfoAndNarRedirectComeFromTheUseCase() throws Exception {
        HttpResponse<Buffer> info = send(client.get("/api/v1/cache/main/nix-cache-info"));
        assertEquals(200, info.statusCode());
        assertEquals("text/x-nix-cache-info", info.getHeader("Content-Type"));
        assertTrue(info.bodyAsString().startsWith("StoreDir: /nix/store\n"));

        String file = "0bp7mbkmk866035wp4yy8nf99pa85sczc2pzh7shim9jv9j53chs.nar.xz";
        HttpResponse<Buffer> nar = send(client.get("/api/v1/cache/main/nar/" + file).followRedirects(false));
        assertEquals(302, nar.statusCode());
        assertEquals("http://main.example.org/nar/" + file, nar.getHeader("Location"));
    }

    @Test
    void aMalformedNarFileNameRefusedByTheUseCaseIs400() throws Exception {
        fake.failWith(new InvalidInputException("not a NAR file name: x"));
        assertEquals("not a NAR file name: x",
                error(send(client.get("/api/v1/cache/main/nar/x").followRedirects(false)), 400).getString("error"));
    }

    @Test
    void registeringAKeyAnswersAnEmpty200AndPassesTheKey() throws Exception {
        HttpResponse<Buffer> response = send(client.post("/api/v1/cache/main/key").bearerTokenAuthentication("w"),
                new JsonObject().put("publicKey", "AAAA").encode());
        assertEquals(200, response.statusCode());
        assertEquals(JSON, response.getHeader("Content-Type"));
        assertEquals("0", response.getHeader("Content-Length"));
        assertEquals(new FakeCachixUseCases.Call("register", Optional.of("w")), fake.calls.get(1));
    }

    @Test
    void aTokenWithoutWriteAccessIs403() throws Exception {
        fake.failWith(new PermissionDeniedException("the token allows read access, this request needs write"));
        HttpResponse<Buffer> response = send(client.post("/api/v1/cache/main/key").bearerTokenAuthentication("r"),
                new JsonObject().put("publicKey", "AAAA").encode());
        assertEquals("the token allows read access, this request needs write", error(response, 403).getString("error"));
    }

    @Test
    void aPinCarriesItsFieldsAndAKeepRule() throws Exception {
        JsonObject pin = new JsonObject().put("name", "release").put("storePath", "/nix/store/x")
                .put("artifacts", new JsonArray().add("bin/hello"))
                .put("keep", new JsonObject().put("tag", "Days").put("contents", 7));
        HttpResponse<Buffer> response = send(client.post("/api/v1/cache/main/pin").bearerTokenAuthentication("w"),
                pin.encode());

        assertEquals(200, response.statusCode(), response.bodyAsString());
        PinCommand command = (PinCommand) fake.commands.get(0);
        assertEquals("release", command.name());
        assertEquals(List.of("bin/hello"), command.artifacts());
        assertEquals(new Pin.Keep(Pin.Keep.Kind.DAYS, 7), command.keep());
    }

    @Test
    void aPinWithABadKeepOrABodyThatIsNotJsonIs400() throws Exception {
        JsonObject keep = error(send(client.post("/api/v1/cache/main/pin").bearerTokenAuthentication("w"),
                "{\"name\": \"x\", \"keep\": {\"tag\": \"Weeks\"}}"), 400);
        assertEquals("keep tag must be Days, Revisions or Forever", keep.getString("error"));
        JsonObject notJson = error(send(client.post("/api/v1/cache/main/pin").bearerTokenAuthentication("w"), "{"), 400);
        assertEquals("the body is not a JSON object", notJson.getString("error"));
        assertFalse(fake.called("pin"));
    }

    @Test
    void aConflictIs409() throws Exception {
        fake.failWith(new ConflictException("a pin of that name exists"));
        assertEquals("a pin of that name exists", error(send(client.post("/api/v1/cache/main/pin")
                .bearerTokenAuthentication("w"), "{\"name\": \"x\"}"), 409).getString("error"));
    }

    @Test
    void anInternalFailureIs500WithoutItsMessage() throws Exception {
        fake.failWith(new IllegalStateException("disk /secret/path exploded"));
        String error = error(send(client.get("/api/v1/cache/main")), 500).getString("error");
        assertTrue(error.startsWith("internal server error (ref "), error);
        assertFalse(error.contains("secret"), error);
    }

    @Test
    void anUnavailableUseCaseIs503WithRetryAfter() throws Exception {
        fake.failWith(new UnavailableException("the database is busy"));
        HttpResponse<Buffer> response = send(client.get("/api/v1/cache/main"));
        assertEquals("the database is busy", error(response, 503).getString("error"));
        assertEquals("2", response.getHeader("Retry-After"));
    }

    @Test
    void theOriginalDhtReadAnswersUrlsOrNull() throws Exception {
        HttpResponse<Buffer> found = send(client.get("/api/v1/dht/get/" + FakeCachixUseCases.HASH));
        assertEquals(200, found.statusCode());
        assertEquals(new JsonArray().add("http://peer.example.org"), found.bodyAsJsonObject().getJsonArray("value"));
        HttpResponse<Buffer> unknown = send(client.get("/api/v1/dht/get/whatever"));
        assertEquals(200, unknown.statusCode());
        assertTrue(unknown.bodyAsJsonObject().containsKey("value"));
        assertNull(unknown.bodyAsJsonObject().getValue("value"));
    }

    @Test
    void theOriginalDhtWriteIs403ForNonAdminsAnd501ForAdmins() throws Exception {
        String record = new JsonObject().put("key", "k").put("value", "v").encode();
        error(send(client.post("/api/v1/dht/put").bearerTokenAuthentication("w"), record), 403);
        assertFalse(fake.called("dhtPut"));
        HttpResponse<Buffer> admin = send(client.post("/api/v1/dht/put").bearerTokenAuthentication("admin"), record);
        assertEquals("client DHT records are never accepted", error(admin, 501).getString("error"));
        assertNull(admin.getHeader("Retry-After"), "a permanent refusal");
    }

    @Test
    void uploadRoutesReachTheUploadUseCase() throws Exception {
        JsonObject body = error(send(client.post("/api/v1/cache/nope/multipart-nar?compression=zstd")
                .bearerTokenAuthentication("w"), ""), 404);
        assertTrue(body.getString("error").contains("nope"), body.encode());
        JsonObject badPart = error(send(client.post("/api/v1/cache/main/multipart-nar/" + java.util.UUID.randomUUID()
                + "?uploadId=u&partNumber=one").bearerTokenAuthentication("w"), "{}"), 400);
        assertEquals("partNumber must be a number", badPart.getString("error"));
    }
}
