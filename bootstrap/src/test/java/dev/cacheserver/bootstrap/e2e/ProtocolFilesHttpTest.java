package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.model.DrvOutputId;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.narinfo.Realisation;
import dev.cacheserver.domain.signing.PublicSigningKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Build logs, NAR listings and realisations over HTTP on a private cache, as a client would notice them: tokens
 * required, bad names 400, the log size cap 413, bytes and Content-Encoding served as uploaded, realisations
 * validated and signed by the cache.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ProtocolFilesHttpTest {
    static final String DRV = "l93ixgcr3x5k6yi03aiq952vzzj97i63-closure-top.drv";
    static final String DRV_HASH = "sha256:" + "6d3f7ad3ff4fbc1c8b1bd6bc8bb2ff1b".repeat(2);
    @TempDir
    static Path dir;
    TestServer server;
    String url;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(dir, "  max-build-log-size: 4KiB\n", """
                caches:
                  - name: priv
                    port: PORT1
                    access: private
                """, TestServer.freePort());
        url = server.url("priv");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void logsAreStoredAndServedAsUploaded() throws Exception {
        byte[] compressed = new byte[3000];
        new Random(1).nextBytes(compressed);
        HttpResponse<byte[]> put = send("PUT", "/log/" + DRV, compressed, Tokens.write("priv"), "br", "text/plain");
        assertEquals(200, put.statusCode());
        HttpResponse<byte[]> get = send("GET", "/log/" + DRV, null, Tokens.read("priv"), null, null);
        assertEquals(200, get.statusCode());
        assertArrayEquals(compressed, get.body());
        assertEquals("br", get.headers().firstValue("Content-Encoding").orElse(""));
        assertEquals("text/plain", get.headers().firstValue("Content-Type").orElse(""));

        byte[] plain = "line 1\nline 2\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(200, send("PUT", "/log/" + DRV, plain, Tokens.write("priv"), null, null).statusCode());
        HttpResponse<byte[]> replaced = send("GET", "/log/" + DRV, null, Tokens.read("priv"), null, null);
        assertArrayEquals(plain, replaced.body(), "a log uploaded again replaces the first");
        assertTrue(replaced.headers().firstValue("Content-Encoding").isEmpty());
        assertEquals("text/plain; charset=utf-8", replaced.headers().firstValue("Content-Type").orElse(""));
        assertEquals(Long.toString(plain.length), send("HEAD", "/log/" + DRV, null, Tokens.read("priv"), null, null)
                .headers().firstValue("Content-Length").orElse(""));
    }

    @Test
    void everyFileNeedsTheRightToken() throws Exception {
        byte[] body = "x".getBytes(StandardCharsets.UTF_8);
        for (String path : List.of("/log/" + DRV, "/" + "1".repeat(32) + ".ls", "/realisations/" + DRV_HASH + "!out.doi")) {
            assertEquals(401, send("GET", path, null, null, null, null).statusCode(), path);
            assertEquals(401, send("PUT", path, body, null, null, null).statusCode(), path);
            assertEquals(403, send("PUT", path, body, Tokens.read("priv"), null, null).statusCode(), path);
            assertEquals(403, send("GET", path, null, Tokens.write("other"), null, null).statusCode(), path);
        }
    }

    @Test
    void badNamesAndOversizedLogsAreRefused() throws Exception {
        String token = Tokens.write("priv");
        byte[] body = "x".getBytes(StandardCharsets.UTF_8);
        for (String path : List.of("/log/not-a-derivation", "/log/" + DRV.replace(".drv", ""), "/log/..%2F..%2Fetc",
                "/log/", "/ABCDEFGHIJKLMNOPQRSTUVWXYZ012345.ls", "/short.ls", "/realisations/sha256:abc!out.doi",
                "/realisations/" + DRV_HASH + "!out.json", "/realisations/" + DRV_HASH + "!o%2Fut.doi")) {
            HttpResponse<byte[]> get = send("GET", path, null, token, null, null);
            assertEquals(400, get.statusCode(), path + ": " + new String(get.body(), StandardCharsets.UTF_8));
            assertEquals(400, send("PUT", path, body, token, null, null).statusCode(), path);
        }
        HttpResponse<byte[]> tooLarge = send("PUT", "/log/" + DRV.replace("closure-top", "big"), new byte[5000], token,
                null, null);
        assertEquals(413, tooLarge.statusCode());
        assertEquals(404, send("GET", "/log/" + DRV.replace("closure-top", "big"), null, token, null, null).statusCode(),
                "nothing of a refused log is kept");
        assertEquals(404, send("GET", "/" + "2".repeat(32) + ".ls", null, token, null, null).statusCode());
        assertEquals(404, send("GET", "/realisations/" + DRV_HASH + "!dev.doi", null, token, null, null).statusCode());
    }

    @Test
    void listingsRoundTrip() throws Exception {
        byte[] listing = "{\"version\":1,\"root\":{\"type\":\"regular\",\"size\":6,\"narOffset\":96}}"
                .getBytes(StandardCharsets.UTF_8);
        String path = "/" + "3".repeat(32) + ".ls";
        assertEquals(200, send("PUT", path, listing, Tokens.write("priv"), null, "application/json").statusCode());
        HttpResponse<byte[]> get = send("GET", path, null, Tokens.read("priv"), null, null);
        assertArrayEquals(listing, get.body());
        assertEquals("application/json", get.headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void realisationsAreValidatedAndSignedByTheCache() throws Exception {
        String id = DRV_HASH + "!out";
        String json = "{\"dependentRealisations\":{},\"id\":\"" + id
                + "\",\"outPath\":\"n974jrpgibg7ajmbc35p71w16qq7hd9w-ca-thing\",\"signatures\":[]}";
        String path = "/realisations/" + id + ".doi";
        String token = Tokens.write("priv");
        assertEquals(200, send("PUT", path, json.getBytes(StandardCharsets.UTF_8), token, null, "application/json")
                .statusCode());
        HttpResponse<byte[]> get = send("GET", "/realisations/" + DRV_HASH + "%21out.doi", null, token, null, null);
        assertEquals(200, get.statusCode());
        String served = new String(get.body(), StandardCharsets.UTF_8);
        assertTrue(served.startsWith("{\"dependentRealisations\":{},\"id\":\"" + id + "\""), served);
        Realisation expected = new Realisation(DrvOutputId.parse(id),
                StorePath.parse("n974jrpgibg7ajmbc35p71w16qq7hd9w-ca-thing"), new TreeMap<>(), List.of());
        PublicSigningKey key = PublicSigningKey.parse(server.publicKey("priv"));
        String sig = served.substring(served.indexOf("[\"") + 2, served.indexOf("\"]"));
        assertTrue(key.verifies(dev.cacheserver.domain.signing.NarSignature.parse(sig), expected.fingerprint()), served);

        for (String bad : List.of("not json", "[]", "{}", json.replace(id, DRV_HASH + "!dev"),
                json.replace("n974jrpgibg7ajmbc35p71w16qq7hd9w-ca-thing", "../../etc"),
                json.replace("\"signatures\":[]", "\"signatures\":[\"k:bm90IGEgc2lnbmF0dXJl\"]"),
                json.replace("{}", "{\"x\":1}"))) {
            HttpResponse<byte[]> put = send("PUT", path, bad.getBytes(StandardCharsets.UTF_8), token, null, null);
            assertEquals(400, put.statusCode(), bad + ": " + new String(put.body(), StandardCharsets.UTF_8));
        }
        assertEquals(served, new String(send("GET", path, null, token, null, null).body(), StandardCharsets.UTF_8),
                "refused uploads change nothing");
    }

    private HttpResponse<byte[]> send(String method, String path, byte[] body, String token, String encoding,
                                      String type) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((":" + token).getBytes(StandardCharsets.UTF_8)));
        }
        if (encoding != null) {
            request.header("Content-Encoding", encoding);
        }
        if (type != null) {
            request.header("Content-Type", type);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
