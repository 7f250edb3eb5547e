package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.narinfo.NarInfoText;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The binary-cache protocol over real HTTP: every answer a client relies on, and every bad input refused. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class HttpProtocolTest extends HttpTestSupport {
    @TempDir
    static Path dir;
    TestServer server;
    String main;
    String secret;

    HttpProtocolTest() {
        super(7);
    }

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(dir, """
                caches:
                  - name: main
                    port: PORT1
                    priority: 41
                  - name: secret
                    port: PORT2
                    access: private
                """, TestServer.freePort(), TestServer.freePort());
        main = server.url("main");
        secret = server.url("secret");
    }

    @AfterAll
    void stop() {
        server.close();
    }


    /** Uploads a NAR (zstd) and its narinfo, as Nix does; returns the narinfo text. */
    String push(String base, String cache, String hash, byte[] nar) throws Exception {
        byte[] file = TestNars.zstd(nar);
        String info = TestNars.narInfo(hash, "pkg", nar, file, "zstd", ".nar.zst");
        String url = NarInfoText.parse(info).narFile().url();
        assertEquals(200, send("PUT", base + "/" + url, file, Tokens.write(cache)).statusCode());
        HttpResponse<String> put = send("PUT", base + "/" + hash + ".narinfo", info.getBytes(StandardCharsets.UTF_8), Tokens.write(cache));
        assertEquals(200, put.statusCode(), put.body());
        return info;
    }

    @Test
    void servesNixCacheInfo() throws Exception {
        HttpResponse<String> r = send("GET", main + "/nix-cache-info", null, null);
        assertEquals(200, r.statusCode());
        assertEquals("StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 41\n", r.body());
        assertEquals(200, send("PUT", main + "/nix-cache-info", "StoreDir: /nix/store\n".getBytes(), Tokens.write("main")).statusCode());
        assertEquals(401, send("PUT", main + "/nix-cache-info", "StoreDir: /nix/store\n".getBytes(), null).statusCode());
    }

    @Test
    void pushThenReadBackSignedNarInfoAndNar() throws Exception {
        String hash = storeHash();
        byte[] nar = TestNars.regularFile(randomBytes(5000));
        push(main, "main", hash, nar);
        HttpResponse<String> got = send("GET", main + "/" + hash + ".narinfo", null, null);
        assertEquals(200, got.statusCode());
        assertEquals("text/x-nix-narinfo", got.headers().firstValue("content-type").orElse(""));
        var info = NarInfoText.parse(got.body());
        assertTrue(info.signatureBy(server.cache("main").profile().signingKey().publicKey()).isPresent(), got.body());
        assertTrue(got.body().endsWith("\n") && got.body().contains("References: \n"));
        HttpResponse<String> head = send("HEAD", main + "/" + hash + ".narinfo", null, null);
        assertEquals(200, head.statusCode());
        HttpResponse<byte[]> narGet = http.send(HttpRequest.newBuilder(URI.create(main + "/" + info.narFile().url())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, narGet.statusCode());
        assertEquals("bytes", narGet.headers().firstValue("accept-ranges").orElse(""));
        assertEquals(info.fileHash(), TestNars.sha256(narGet.body()));
    }

    @Test
    void rangeRequestsResumeDownloads() throws Exception {
        String hash = storeHash();
        byte[] nar = TestNars.regularFile(randomBytes(20000));
        var info = NarInfoText.parse(push(main, "main", hash, nar));
        byte[] whole = TestNars.zstd(nar);
        HttpResponse<byte[]> part = http.send(HttpRequest.newBuilder(URI.create(main + "/" + info.narFile().url()))
                .header("Range", "bytes=100-").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, part.statusCode());
        assertArrayEquals(Arrays.copyOfRange(whole, 100, whole.length), part.body());
        assertEquals("bytes 100-" + (whole.length - 1) + "/" + whole.length, part.headers().firstValue("content-range").orElse(""));
        HttpResponse<byte[]> suffix = http.send(HttpRequest.newBuilder(URI.create(main + "/" + info.narFile().url()))
                .header("Range", "bytes=-10").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(Arrays.copyOfRange(whole, whole.length - 10, whole.length), suffix.body());
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(main + "/" + info.narFile().url()))
                .header("Range", "bytes=999999-").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(416, bad.statusCode());
    }

    @Test
    void narInfoOverwriteKeepsAddedSignatures() throws Exception {
        String hash = storeHash();
        byte[] nar = TestNars.regularFile(randomBytes(3000));
        String info = push(main, "main", hash, nar);
        var signer = dev.cacheserver.domain.signing.SecretSigningKey.generate("other-1");
        String resigned = NarInfoText.render(NarInfoText.parse(info).signedBy(signer));
        assertEquals(200, send("PUT", main + "/" + hash + ".narinfo", resigned.getBytes(), Tokens.write("main")).statusCode());
        var served = NarInfoText.parse(send("GET", main + "/" + hash + ".narinfo", null, null).body());
        assertTrue(served.signatureBy(signer.publicKey()).isPresent(), "the client's signature is kept");
        assertTrue(served.signatureBy(server.cache("main").profile().signingKey().publicKey()).isPresent());
    }

    @Test
    void rejectsANarWhoseBytesDoNotMatchItsName() throws Exception {
        byte[] file = TestNars.zstd(TestNars.regularFile(randomBytes(100)));
        NixHash wrong = TestNars.sha256("something else".getBytes());
        HttpResponse<String> r = send("PUT", main + "/nar/" + wrong.nix32() + ".nar.zst", file, Tokens.write("main"));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("FileHash mismatch"), r.body());
        assertEquals(404, send("HEAD", main + "/nar/" + wrong.nix32() + ".nar.zst", null, null).statusCode());
        try (Stream<Path> spool = Files.walk(dir.resolve("data"))) {
            assertTrue(spool.filter(p -> p.toString().contains(".spool/")).findAny().isEmpty(), "no spool file left behind");
        }
    }

    @Test
    void rejectsANarInfoWhoseNarIsMissing() throws Exception {
        String hash = storeHash();
        byte[] nar = TestNars.regularFile(randomBytes(100));
        String info = TestNars.narInfo(hash, "pkg", nar, TestNars.zstd(nar), "zstd", ".nar.zst");
        HttpResponse<String> r = send("PUT", main + "/" + hash + ".narinfo", info.getBytes(), Tokens.write("main"));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("upload it before its narinfo"), r.body());
        assertEquals(404, send("GET", main + "/" + hash + ".narinfo", null, null).statusCode());
    }

    @Test
    void rejectsWrongNarHashNarSizeAndFileSize() throws Exception {
        byte[] nar = TestNars.regularFile(randomBytes(1000));
        byte[] file = TestNars.zstd(nar);
        String hash = storeHash();
        String good = TestNars.narInfo(hash, "pkg", nar, file, "zstd", ".nar.zst");
        assertEquals(200, send("PUT", main + "/" + NarInfoText.parse(good).narFile().url(), file, Tokens.write("main")).statusCode());
        String otherHash = TestNars.sha256(new byte[] {1}).toString();
        String[][] cases = {
            {good.replaceFirst("NarHash: [^\n]*", "NarHash: " + otherHash), "NarHash mismatch"},
            {good.replaceFirst("NarSize: [^\n]*", "NarSize: 12"), "NarSize mismatch"},
            {good.replaceFirst("FileSize: [^\n]*", "FileSize: 12"), "FileSize mismatch"},
            {good.replace("Compression: zstd", "Compression: xz"), "does not match Compression"},
            {good.replace("StorePath: /nix/store/" + hash, "StorePath: /nix/store/" + storeHash()), "does not match the narinfo name"},
            {"garbage\n", "not 'Key: value'"},
            {good.replace("\n", "\r\n"), "CRLF"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = send("PUT", main + "/" + hash + ".narinfo", c[0].getBytes(), Tokens.write("main"));
            assertEquals(400, r.statusCode(), c[1]);
            assertTrue(r.body().contains(c[1]), "expected '" + c[1] + "' in: " + r.body());
        }
        assertEquals(404, send("GET", main + "/" + hash + ".narinfo", null, null).statusCode(), "nothing was published");
    }

    @Test
    void writesNeedAValidTokenForThatCache() throws Exception {
        byte[] body = TestNars.zstd(TestNars.regularFile(randomBytes(10)));
        String url = main + "/nar/" + TestNars.sha256(body).nix32() + ".nar.zst";
        HttpResponse<String> none = send("PUT", url, body, null);
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("www-authenticate").isPresent());
        assertEquals(401, send("PUT", url, body, "garbage").statusCode());
        assertEquals(401, send("PUT", url, body, Tokens.expired("main")).statusCode());
        assertEquals(403, send("PUT", url, body, Tokens.write("secret")).statusCode());
        assertEquals(403, send("PUT", url, body, Tokens.read("main")).statusCode());
        HttpRequest bearer = HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Authorization", "Bearer " + Tokens.write("main")).build();
        assertEquals(200, http.send(bearer, HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void privateCachesNeedATokenToRead() throws Exception {
        String hash = storeHash();
        push(secret, "secret", hash, TestNars.regularFile(randomBytes(10)));
        assertEquals(401, send("GET", secret + "/nix-cache-info", null, null).statusCode());
        assertEquals(401, send("GET", secret + "/" + hash + ".narinfo", null, null).statusCode());
        assertEquals(403, send("GET", secret + "/" + hash + ".narinfo", null, Tokens.write("main")).statusCode());
        assertEquals(200, send("GET", secret + "/" + hash + ".narinfo", null, Tokens.read("secret")).statusCode());
        assertEquals(404, send("GET", main + "/" + hash + ".narinfo", null, null).statusCode(), "caches are separate");
    }

    @Test
    void unknownRoutesAndMethodsAndTraversal() throws Exception {
        assertEquals(404, send("GET", main + "/nope", null, null).statusCode());
        assertEquals(405, send("DELETE", main + "/nix-cache-info", null, null).statusCode());
        assertEquals(405, send("POST", main + "/" + storeHash() + ".narinfo", new byte[0], null).statusCode());
        assertEquals(404, send("GET", main + "/nar/..%2f..%2fetc%2fpasswd", null, null).statusCode());
        assertEquals(400, send("PUT", main + "/nar/..%2f..%2fescaped.nar.zst", new byte[] {1}, Tokens.write("main")).statusCode());
        assertEquals(404, send("GET", main + "/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee.narinfo", null, null).statusCode());
        try (Socket raw = new Socket("127.0.0.1", URI.create(main).getPort())) {
            raw.getOutputStream().write("GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            String answer = new String(raw.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 4"), answer);
        }
        assertTrue(Files.notExists(dir.resolve("escaped.nar.zst")));
    }

    @Test
    void expectContinueIsAnsweredBeforeTheBody() throws Exception {
        byte[] body = TestNars.zstd(TestNars.regularFile(randomBytes(10)));
        String path = "/nar/" + TestNars.sha256(body).nix32() + ".nar.zst";
        String auth = Base64.getEncoder().encodeToString((":" + Tokens.write("main")).getBytes());
        try (Socket raw = new Socket("127.0.0.1", URI.create(main).getPort())) {
            raw.setSoTimeout(5000);
            raw.getOutputStream().write(("PUT " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length
                    + "\r\nExpect: 100-continue\r\nAuthorization: Basic " + auth + "\r\n\r\n").getBytes());
            String first = new String(raw.getInputStream().readNBytes(25), StandardCharsets.US_ASCII);
            assertTrue(first.startsWith("HTTP/1.1 100 Continue"), first);
            raw.getOutputStream().write(body);
            String rest = new String(raw.getInputStream().readNBytes(15), StandardCharsets.US_ASCII);
            assertTrue(rest.contains("HTTP/1.1 200"), rest);
        }
    }
}
