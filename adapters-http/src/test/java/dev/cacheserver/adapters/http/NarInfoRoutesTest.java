package dev.cacheserver.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.adapters.http.CachePort.Reply;
import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.error.UnavailableException;
import dev.cacheserver.domain.model.StorePathHash;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code /<hash>.narinfo} on a cache port over in-memory use cases: what Nix sees for each answer. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class NarInfoRoutesTest {
    static final StorePathHash HASH = new StorePathHash("ffffffffffffffffffffffffffffffff".replace('f', 'a'));
    static final String PATH = "/" + HASH.value() + ".narinfo";
    static final String NARINFO = "StorePath: /nix/store/" + HASH.value() + "-hello\nURL: nar/x.nar\n";

    CachePort port;

    @BeforeEach
    void start(Vertx vertx, @TempDir Path dir) throws Exception {
        port = new CachePort(vertx, dir);
        port.start(port.endpoint(1 << 20));
    }

    @Test
    void aStoredNarInfoIsServedWithItsTypeAndLength() throws Exception {
        port.cache.narInfos.put(HASH, NARINFO);
        Reply reply = port.get(PATH);
        assertEquals(200, reply.status());
        assertEquals("text/x-nix-narinfo", reply.header("Content-Type"));
        assertEquals(Integer.toString(NARINFO.length()), reply.header("Content-Length"));
        assertEquals(NARINFO, reply.text());
    }

    @Test
    void headAnswersTheLengthWithoutABody() throws Exception {
        port.cache.narInfos.put(HASH, NARINFO);
        Reply reply = port.send(HttpMethod.HEAD, PATH, Map.of(), null);
        assertEquals(200, reply.status());
        assertEquals(Integer.toString(NARINFO.length()), reply.header("Content-Length"));
        assertEquals(0, reply.body().length());
    }

    @Test
    void aMissingPathIs404NamingTheCache() throws Exception {
        Reply reply = port.get(PATH);
        assertEquals(404, reply.status());
        assertEquals("text/plain; charset=utf-8", reply.header("Content-Type"));
        assertEquals("no such path in cache main\n", reply.text());
    }

    @Test
    void aPrivateCacheAsksForCredentials() throws Exception {
        port.access.isPublic = false;
        port.cache.narInfos.put(HASH, NARINFO);
        Reply anonymous = port.get(PATH);
        assertEquals(401, anonymous.status());
        assertEquals("Basic realm=\"cache-server main\"", anonymous.header("WWW-Authenticate"));
        assertEquals("cache main is private: this request needs a token\n", anonymous.text());
        assertEquals(200, port.get(PATH, FakeAccess.READ).status());
    }

    @Test
    void aBadTokenIsRefusedEvenWhereReadsAreFree() throws Exception {
        port.cache.narInfos.put(HASH, NARINFO);
        Reply reply = port.get(PATH, FakeAccess.BAD);
        assertEquals(401, reply.status());
        assertEquals("invalid token\n", reply.text());
    }

    @Test
    void otherMethodsAre405WithTheAllowedOnes() throws Exception {
        Reply reply = port.send(HttpMethod.DELETE, PATH, Map.of(), null);
        assertEquals(405, reply.status());
        assertEquals("GET, HEAD, PUT", reply.header("Allow"));
        assertEquals("method not allowed\n", reply.text());
    }

    @Test
    void aPutWithAWriteTokenPublishes() throws Exception {
        Reply reply = port.put(PATH, FakeAccess.WRITE, NARINFO);
        assertEquals(200, reply.status());
        assertEquals("0", reply.header("Content-Length"));
        assertEquals(NARINFO, port.get(PATH).text());
    }

    @Test
    void aPutWithAReadTokenIs403AndPublishesNothing() throws Exception {
        Reply reply = port.put(PATH, FakeAccess.READ, NARINFO);
        assertEquals(403, reply.status());
        assertTrue(reply.text().contains("needs write"), reply.text());
        assertEquals(404, port.get(PATH).status());
    }

    @Test
    void aMalformedNarInfoIs400WithTheReason() throws Exception {
        Reply reply = port.put(PATH, FakeAccess.WRITE, "garbage");
        assertEquals(400, reply.status());
        assertEquals("narinfo line 1 is not 'StorePath: ...'\n", reply.text());
    }

    @Test
    void aNarInfoDeclaredTooLargeIs413() throws Exception {
        Reply reply = port.send(HttpMethod.PUT, PATH, Map.of("Authorization", "Bearer " + FakeAccess.WRITE),
                Buffer.buffer(new byte[1024 * 1024 + 1]));
        assertEquals(413, reply.status());
        assertTrue(reply.text().startsWith("a narinfo may have at most"), reply.text());
    }

    @Test
    void anUploadWithoutTokenIsRefusedBeforeItsBodyIsAskedFor() throws Exception {
        String refused = port.expectContinue("PUT " + PATH + " HTTP/1.1\r\nContent-Length: 10");
        assertTrue(refused.startsWith("HTTP/1.1 401"), refused);
        String allowed = port.expectContinue("PUT " + PATH + " HTTP/1.1\r\nContent-Length: 10\r\n"
                + "Authorization: Bearer " + FakeAccess.WRITE);
        assertTrue(allowed.startsWith("HTTP/1.1 100 Continue"), allowed);
    }

    @Test
    void anInternalFailureIs500WithoutItsMessage() throws Exception {
        port.cache.failure = new IllegalStateException("jdbc:sqlite:/secret/path is locked");
        Reply reply = port.get(PATH);
        assertEquals(500, reply.status());
        assertTrue(reply.text().startsWith("internal server error (ref "), reply.text());
        assertFalse(reply.text().contains("secret"), reply.text());
        assertNull(reply.header("Retry-After"));
    }

    @Test
    void aStorageFailureIsNotShownEither() throws Exception {
        port.cache.failure = new StorageException("SQLITE_BUSY at /secret/db");
        Reply reply = port.put(PATH, FakeAccess.WRITE, NARINFO);
        assertEquals(500, reply.status());
        assertFalse(reply.text().contains("secret"), reply.text());
    }

    @Test
    void anUnavailableServerAsksNixToRetryLater() throws Exception {
        port.cache.failure = new UnavailableException("too many lookups at once");
        Reply reply = port.get(PATH);
        assertEquals(503, reply.status());
        assertEquals("5", reply.header("Retry-After"));
        assertEquals("too many lookups at once\n", reply.text());
    }

    @Test
    void pathsThatAreNoNarInfoAre404() throws Exception {
        for (String path : new String[] {"/" + "A".repeat(32) + ".narinfo", "/short.narinfo", "/nothing-here"}) {
            Reply reply = port.get(path);
            assertEquals(404, reply.status(), path);
            assertEquals("not found\n", reply.text(), path);
        }
    }
}
