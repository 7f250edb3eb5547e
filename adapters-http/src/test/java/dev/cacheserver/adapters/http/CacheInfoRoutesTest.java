package dev.cacheserver.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.adapters.http.CachePort.Reply;
import dev.cacheserver.application.port.in.ServeFromPeers;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.port.PeerDirectory;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code /nix-cache-info}, the uploads a cache drops, and the admins' cluster status, over in-memory use cases. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class CacheInfoRoutesTest {

    CachePort started(Vertx vertx, Path dir) throws Exception {
        CachePort port = new CachePort(vertx, dir);
        return port.start(port.endpoint(1024));
    }

    @Test
    void nixCacheInfoIsServedWithItsType(Vertx vertx, @TempDir Path dir) throws Exception {
        CachePort port = started(vertx, dir);
        Reply reply = port.get("/nix-cache-info");
        assertEquals(200, reply.status());
        assertEquals("text/x-nix-cache-info", reply.header("Content-Type"));
        assertEquals(FakeNixCache.CACHE_INFO, reply.text());
        port.access.isPublic = false;
        assertEquals(401, port.get("/nix-cache-info").status());
        assertEquals(200, port.get("/nix-cache-info", FakeAccess.READ).status());
    }

    @Test
    void uploadsOfNixCacheInfoAreAuthorisedAndDropped(Vertx vertx, @TempDir Path dir) throws Exception {
        CachePort port = started(vertx, dir);
        assertEquals(200, port.put("/nix-cache-info", FakeAccess.WRITE, "StoreDir: /elsewhere\n").status());
        assertEquals(FakeNixCache.CACHE_INFO, port.get("/nix-cache-info").text());
        assertEquals(403, port.put("/nix-cache-info", FakeAccess.READ, "x").status());
        Reply anonymous = port.send(HttpMethod.PUT, "/nix-cache-info", Map.of(), Buffer.buffer("x"));
        assertEquals(401, anonymous.status());
        assertEquals("close", anonymous.header("Connection"), "an unread body closes the connection");
        Reply delete = port.send(HttpMethod.DELETE, "/nix-cache-info", Map.of(), null);
        assertEquals(405, delete.status());
        assertEquals("GET, HEAD, PUT", delete.header("Allow"));
    }

    @Test
    void listingsAreAcceptedAndDroppedWhereTheCacheKeepsNone(Vertx vertx, @TempDir Path dir) throws Exception {
        CachePort port = new CachePort(vertx, dir);
        port.start(new BinaryCacheEndpoint(new CacheName("main"), port.cache.protocol(), port.uploads, "127.0.0.1", 0,
                1024));
        String listing = "/" + "a".repeat(32) + ".ls";
        assertEquals(200, port.put(listing, FakeAccess.WRITE, "{\"version\":1}").status());
        assertEquals(401, port.put(listing, FakeAccess.BAD, "{}").status());
        assertEquals(404, port.get(listing).status());
        assertEquals(404, port.get("/api/v1/dht/status", FakeAccess.ADMIN).status(), "no status route configured");
    }

    @Test
    void theClusterStatusIsForAdminsOnly(Vertx vertx, @TempDir Path dir) throws Exception {
        CachePort port = started(vertx, dir);
        assertEquals(401, port.get("/api/v1/dht/status").status());
        assertEquals(403, port.get("/api/v1/dht/status", FakeAccess.WRITE).status());
        Reply none = port.get("/api/v1/dht/status", FakeAccess.ADMIN);
        assertEquals(404, none.status());
        assertEquals("cluster fallback is not configured for this cache\n", none.text());
        port.cache.clusterStatus = new ServeFromPeers.Status(new PeerDirectory.DirectoryStatus("dht", "", "node-1",
                4222, 7, List.of("127.0.0.1:4222"), 2, 10, 0, 0, 3, 1, 0, 0),
                new ServeFromPeers.Stats(5, 1, 2, 0, 0, 0));
        Reply status = port.get("/api/v1/dht/status", FakeAccess.ADMIN);
        assertEquals(200, status.status());
        assertEquals("application/json", status.header("Content-Type"));
        JsonObject json = status.body().toJsonObject();
        assertTrue(json.encode().contains("node-1"), json.encode());
        assertTrue(json.encode().contains("main"), json.encode());
    }
}
