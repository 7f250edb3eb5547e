package dev.cacheserver.adapters.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.adapters.http.CachePort.Reply;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.port.NarLocation;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code /nar/<filehash>.nar[.ext]} on a cache port over in-memory use cases: uploads, reads, ranges, refusals. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class NarRoutesTest {
    static final byte[] NAR = "nix-archive-1 pretend this is a NAR of some length".getBytes(StandardCharsets.UTF_8);
    static final long MAX_NAR_BYTES = 4096;

    CachePort port;
    Path dir;

    @BeforeEach
    void start(Vertx vertx, @TempDir Path dir) throws Exception {
        this.dir = dir;
        port = new CachePort(vertx, dir);
        port.start(port.endpoint(MAX_NAR_BYTES));
    }

    static String fileName(byte[] content) throws Exception {
        return new NixHash(MessageDigest.getInstance("SHA-256").digest(content)).nix32() + ".nar";
    }

    Reply upload(String name, byte[] content, String token) throws Exception {
        return port.send(HttpMethod.PUT, "/nar/" + name, Map.of("Authorization", "Bearer " + token),
                Buffer.buffer(content));
    }

    @Test
    void anUploadedNarIsServedWithItsTypeLengthAndRanges() throws Exception {
        String name = fileName(NAR);
        Reply put = upload(name, NAR, FakeAccess.WRITE);
        assertEquals(200, put.status(), put.text());
        Reply get = port.get("/nar/" + name);
        assertEquals(200, get.status());
        assertEquals("application/x-nix-nar", get.header("Content-Type"));
        assertEquals("bytes", get.header("Accept-Ranges"));
        assertEquals(Integer.toString(NAR.length), get.header("Content-Length"));
        assertArrayEquals(NAR, get.body().getBytes());
        assertEquals(1, port.cache.narReads.get(NarFile.parseFileName(name)));
    }

    @Test
    void aRangeIs206WithItsContentRange() throws Exception {
        String name = store(NAR);
        Reply part = port.send(HttpMethod.GET, "/nar/" + name, Map.of("Range", "bytes=5-9"), null);
        assertEquals(206, part.status());
        assertEquals("bytes 5-9/" + NAR.length, part.header("Content-Range"));
        assertEquals("5", part.header("Content-Length"));
        assertArrayEquals(Arrays.copyOfRange(NAR, 5, 10), part.body().getBytes());
    }

    @Test
    void aRangePastTheEndIs416() throws Exception {
        String name = store(NAR);
        Reply reply = port.send(HttpMethod.GET, "/nar/" + name, Map.of("Range", "bytes=9999-"), null);
        assertEquals(416, reply.status());
        assertEquals("bytes */" + NAR.length, reply.header("Content-Range"));
    }

    @Test
    void headGivesTheLengthOnly() throws Exception {
        String name = store(NAR);
        Reply reply = port.send(HttpMethod.HEAD, "/nar/" + name, Map.of(), null);
        assertEquals(200, reply.status());
        assertEquals(Integer.toString(NAR.length), reply.header("Content-Length"));
        assertEquals(0, reply.body().length());
    }

    @Test
    void aNarElsewhereIsARedirect() throws Exception {
        String name = fileName(NAR);
        URI presigned = URI.create("http://127.0.0.1:1/bucket/" + name + "?X-Amz-Signature=abc");
        port.cache.nars.put(NarFile.parseFileName(name), new NarLocation.Redirect(presigned, NAR.length));
        Reply reply = port.get("/nar/" + name);
        assertEquals(302, reply.status());
        assertEquals(presigned.toString(), reply.header("Location"));
    }

    @Test
    void anUnknownNarIs404AndANameThatIsNoNarsToo() throws Exception {
        Reply unknown = port.get("/nar/" + fileName(NAR));
        assertEquals(404, unknown.status());
        assertEquals("no such NAR in cache main\n", unknown.text());
        Reply garbage = port.get("/nar/not-a-nar.txt");
        assertEquals(404, garbage.status());
        assertEquals("not found\n", garbage.text());
    }

    @Test
    void aPrivateCacheNeedsATokenToReadNars() throws Exception {
        port.access.isPublic = false;
        String name = store(NAR);
        Reply anonymous = port.get("/nar/" + name);
        assertEquals(401, anonymous.status());
        assertEquals("Basic realm=\"cache-server main\"", anonymous.header("WWW-Authenticate"));
        assertEquals(401, port.get("/nar/not-a-nar.txt").status(), "access is decided before the name is");
        assertEquals(200, port.get("/nar/" + name, FakeAccess.READ).status());
    }

    @Test
    void aNarWhoseHashIsNotItsNameIs400AndNotStored() throws Exception {
        String name = fileName("other bytes".getBytes(StandardCharsets.UTF_8));
        Reply reply = upload(name, NAR, FakeAccess.WRITE);
        assertEquals(400, reply.status());
        assertTrue(reply.text().contains("not the one in its name"), reply.text());
        assertEquals(404, port.get("/nar/" + name).status());
    }

    @Test
    void aBadNarNameIs400() throws Exception {
        Reply reply = upload("hello.nar", NAR, FakeAccess.WRITE);
        assertEquals(400, reply.status());
        assertTrue(reply.text().startsWith("not a NAR file name"), reply.text());
    }

    @Test
    void uploadsWithoutWriteAccessAreRefusedBeforeTheBody() throws Exception {
        String name = fileName(NAR);
        assertEquals(401, upload(name, NAR, FakeAccess.BAD).status());
        assertEquals(403, upload(name, NAR, FakeAccess.READ).status());
        String refused = port.expectContinue("PUT /nar/" + name + " HTTP/1.1\r\nContent-Length: " + NAR.length);
        assertTrue(refused.startsWith("HTTP/1.1 401"), refused);
        assertEquals(0, port.uploads.begun.get(), "no spool file for a refused upload");
    }

    @Test
    void aNarDeclaredLargerThanTheLimitOrTheStorageIs413() throws Exception {
        String name = fileName(NAR);
        String tooLarge = port.expectContinue("PUT /nar/" + name + " HTTP/1.1\r\nContent-Length: "
                + (MAX_NAR_BYTES + 1) + "\r\nAuthorization: Bearer " + FakeAccess.WRITE);
        assertTrue(tooLarge.startsWith("HTTP/1.1 413"), tooLarge);
        port.uploads.storageBytes = NAR.length - 1;
        Reply full = upload(name, NAR, FakeAccess.WRITE);
        assertEquals(413, full.status());
        assertTrue(full.text().startsWith("no storage can take"), full.text());
        assertEquals(0, port.uploads.begun.get());
    }

    @Test
    void otherMethodsAre405() throws Exception {
        Reply reply = port.send(HttpMethod.POST, "/nar/" + fileName(NAR), Map.of(), Buffer.buffer("x"));
        assertEquals(405, reply.status());
        assertEquals("GET, HEAD, PUT", reply.header("Allow"));
    }

    private String store(byte[] content) throws Exception {
        String name = fileName(content);
        Path file = Files.write(dir.resolve(name), content);
        port.cache.nars.put(NarFile.parseFileName(name), new NarLocation.LocalFile(file, content.length));
        return name;
    }
}
