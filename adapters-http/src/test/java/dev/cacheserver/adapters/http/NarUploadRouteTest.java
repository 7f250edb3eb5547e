package dev.cacheserver.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.ingest.NarIngestAssembly;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.port.inmemory.InMemoryNarStore;
import dev.cacheserver.domain.signing.SecretSigningKey;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code PUT /nar/...} on the route alone, against the real ingest use case on the in-memory store: the route moves
 * the body into the ingest's spool, and what the use case decides (stored, 400, 401, 413) is what the client sees.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NarUploadRouteTest {
    static final Hs256Tokens TOKENS = new Hs256Tokens("k".getBytes(StandardCharsets.UTF_8));
    static final byte[] BODY = "pretend this is an xz-compressed NAR".getBytes(StandardCharsets.US_ASCII);
    static final NarFile FILE = new NarFile(sha256(BODY), Compression.XZ);
    static final long MAX_NAR_BYTES = 1024;

    @TempDir
    Path dir;
    Vertx vertx;
    HttpServer server;
    InMemoryNarStore store;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final String token = TOKENS.issue(new TokenClaims("main", Permission.WRITE, null, null));

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        store = new InMemoryNarStore(dir);
        CacheProfile cache = new CacheProfile(new CacheName("main"), true, SecretSigningKey.generate("main-1"),
                URI.create("http://127.0.0.1:1"), 30);
        var ingest = NarIngestAssembly.nixUploads(cache, new AccessPolicy(TOKENS, Clock.systemUTC()), store, null,
                MAX_NAR_BYTES);
        Context context = vertx.getOrCreateContext();
        CompletableFuture<HttpServer> listening = new CompletableFuture<>();
        context.runOnContext(v -> {
            NarUploadRoute route = new NarUploadRoute(ingest, new CacheResponses(cache.name(), context, null));
            vertx.createHttpServer()
                    .requestHandler(request -> route.put(request,
                            NarFile.parseFileName(request.path().substring("/nar/".length()))))
                    .listen(0, "127.0.0.1")
                    .onComplete(done -> {
                        if (done.succeeded()) {
                            listening.complete(done.result());
                        } else {
                            listening.completeExceptionally(done.cause());
                        }
                    });
        });
        server = listening.get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aNarWhoseBytesMatchItsNameIsStored() throws Exception {
        HttpResponse<String> response = put(FILE, BODY, token);

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(store.publishedFiles().contains(FILE));
        assertEquals(0, store.openSpoolFiles());
    }

    @Test
    void bytesThatDoNotMatchTheNameAre400AndLeaveNothing() throws Exception {
        HttpResponse<String> response = put(FILE, "other bytes".getBytes(StandardCharsets.US_ASCII), token);

        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("FileHash mismatch"), response.body());
        assertTrue(store.publishedFiles().isEmpty());
        assertEquals(0, store.openSpoolFiles());
    }

    @Test
    void withoutATokenItIs401AndNoSpoolIsMade() throws Exception {
        HttpResponse<String> response = put(FILE, BODY, null);

        assertEquals(401, response.statusCode());
        assertTrue(store.publishedFiles().isEmpty());
        assertEquals(0, store.openSpoolFiles());
    }

    @Test
    void aDeclaredSizeOverTheLimitIs413BeforeTheBodyIsRead() throws Exception {
        HttpResponse<String> response = put(FILE, new byte[(int) MAX_NAR_BYTES + 1], token);

        assertEquals(413, response.statusCode());
        assertFalse(store.publishedFiles().contains(FILE));
        assertEquals(0, store.openSpoolFiles());
    }

    private HttpResponse<String> put(NarFile file, byte[] body, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.actualPort() + "/nar/" + file.fileName()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static NixHash sha256(byte[] bytes) {
        try {
            return new NixHash(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
