package dev.cacheserver.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.adapters.http.CachePort.Reply;
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

/** Build logs, NAR listings and realisations on a cache port over in-memory use cases (log limit 64 bytes). */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class ProtocolFileRoutesTest {
    static final String DRV = "l93ixgcr3x5k6yi03aiq952vzzj97i63-closure-top.drv";
    static final String DRV_HASH = "sha256:" + "6d3f7ad3ff4fbc1c8b1bd6bc8bb2ff1b".repeat(2);
    static final String LISTING = "/" + "a".repeat(32) + ".ls";

    CachePort port;

    @BeforeEach
    void start(Vertx vertx, @TempDir Path dir) throws Exception {
        port = new CachePort(vertx, dir);
        port.start(port.endpoint(1024));
    }

    @Test
    void aBuildLogIsServedAsUploadedWithItsEncoding() throws Exception {
        Reply put = port.send(HttpMethod.PUT, "/log/" + DRV, Map.of("Authorization", "Bearer " + FakeAccess.WRITE,
                "Content-Type", "text/plain; charset=utf-8", "Content-Encoding", "br"), Buffer.buffer("compressed"));
        assertEquals(200, put.status(), put.text());
        Reply get = port.get("/log/" + DRV);
        assertEquals(200, get.status());
        assertEquals("br", get.header("Content-Encoding"));
        assertEquals("text/plain; charset=utf-8", get.header("Content-Type"));
        assertEquals("compressed", get.text());
        Reply head = port.send(HttpMethod.HEAD, "/log/" + DRV, Map.of(), null);
        assertEquals("10", head.header("Content-Length"));
    }

    @Test
    void aListingDefaultsToJsonAndIdentityIsNoEncoding() throws Exception {
        Reply put = port.send(HttpMethod.PUT, LISTING, Map.of("Authorization", "Bearer " + FakeAccess.WRITE,
                "Content-Encoding", "identity"), Buffer.buffer("{\"version\":1}"));
        assertEquals(200, put.status(), put.text());
        Reply get = port.get(LISTING);
        assertEquals("application/json", get.header("Content-Type"));
        assertNull(get.header("Content-Encoding"));
        assertEquals("{\"version\":1}", get.text());
    }

    @Test
    void missingFilesAre404NamingWhatIsMissing() throws Exception {
        assertEquals("no such build log in cache main\n", port.get("/log/" + DRV).text());
        assertEquals("no such NAR listing in cache main\n", port.get(LISTING).text());
        Reply realisation = port.get("/realisations/" + DRV_HASH + "!out.doi");
        assertEquals(404, realisation.status());
        assertEquals("no such realisation in cache main\n", realisation.text());
    }

    @Test
    void writesNeedAWriteTokenAndPrivateReadsAToken() throws Exception {
        assertEquals(401, port.send(HttpMethod.PUT, "/log/" + DRV, Map.of(), Buffer.buffer("x")).status());
        assertEquals(403, port.put("/log/" + DRV, FakeAccess.READ, "x").status());
        assertEquals(403, port.put("/realisations/" + DRV_HASH + "!out.doi", FakeAccess.READ, "{}").status());
        port.access.isPublic = false;
        assertEquals(401, port.get("/log/" + DRV).status());
        assertEquals(401, port.get("/realisations/" + DRV_HASH + "!out.doi").status());
        assertEquals(404, port.get("/log/" + DRV, FakeAccess.READ).status());
    }

    @Test
    void aLogOverTheLimitIs413() throws Exception {
        Reply reply = port.put("/log/" + DRV, FakeAccess.WRITE, "x".repeat(65));
        assertEquals(413, reply.status());
        assertEquals("a build log may have at most 64 bytes\n", reply.text());
    }

    @Test
    void badNamesAndEncodingsAre400() throws Exception {
        for (String path : new String[] {"/log/../etc/passwd", "/ABCDEFGHIJKLMNOPQRSTUVWXYZ012345.ls",
                "/short.ls", "/realisations/sha256:abc!out.doi", "/realisations/" + DRV_HASH + "!out.json"}) {
            assertEquals(400, port.get(path).status(), path);
        }
        Reply encoding = port.send(HttpMethod.PUT, "/log/" + DRV, Map.of("Authorization", "Bearer " + FakeAccess.WRITE,
                "Content-Encoding", "br; evil"), Buffer.buffer("x"));
        assertEquals(400, encoding.status());
        assertEquals("invalid Content-Encoding\n", encoding.text());
    }

    @Test
    void aRealisationIsPublishedAndServedAsJson() throws Exception {
        String id = DRV_HASH + "!out";
        String json = "{\"dependentRealisations\":{},\"id\":\"" + id
                + "\",\"outPath\":\"n974jrpgibg7ajmbc35p71w16qq7hd9w-ca-thing\",\"signatures\":[]}";
        assertEquals(200, port.put("/realisations/" + id + ".doi", FakeAccess.WRITE, json).status());
        Reply get = port.get("/realisations/" + DRV_HASH + "%21out.doi");
        assertEquals(200, get.status());
        assertEquals("application/json", get.header("Content-Type"));
        assertTrue(get.text().contains("n974jrpgibg7ajmbc35p71w16qq7hd9w-ca-thing"), get.text());
        Reply other = port.put("/realisations/" + DRV_HASH + "!dev.doi", FakeAccess.WRITE, json);
        assertEquals(400, other.status(), "the id in the URL must be the document's");
        assertEquals(400, port.put("/realisations/" + id + ".doi", FakeAccess.WRITE, "not json").status());
    }

    @Test
    void otherMethodsAre405() throws Exception {
        for (String path : new String[] {"/log/" + DRV, LISTING, "/realisations/" + DRV_HASH + "!out.doi"}) {
            Reply reply = port.send(HttpMethod.DELETE, path, Map.of(), null);
            assertEquals(405, reply.status(), path);
            assertEquals("GET, HEAD, PUT", reply.header("Allow"), path);
        }
    }
}
