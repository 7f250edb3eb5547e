package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.model.NixHash;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1 GiB NAR goes in and comes out of a server whose heap is capped at 128 MiB: uploads and downloads
 * stream, nothing holds the NAR in memory. Also checks that what was accepted survives a restart.
 */
@Timeout(600)
class LargeNarMemoryTest {
    static final long SIZE = 1L << 30;

    @TempDir
    Path dir;

    @Test
    void oneGibibyteNarThroughA128MiBHeapSurvivingARestart() throws Exception {
        int port = TestServer.freePort();
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, "server:\n  hostname: 127.0.0.1\n  standalone: true\n  key: " + TestServer.KEY
                + "\n  data-dir: " + dir.resolve("data") + "\n  server-port: " + TestServer.freePort()
                + "\n  deploy-port: " + TestServer.freePort() + "\ncaches:\n  - name: main\n    port: " + port + "\n");
        String base = "http://127.0.0.1:" + port;
        NixHash hash = hashOf(new GeneratedNar(SIZE));
        String storeHash = "0123456789abcdfghijklmnpqrsvwxyz";
        String narInfo = "StorePath: /nix/store/" + storeHash + "-big\nURL: nar/" + hash.nix32() + ".nar\nCompression: none\n"
                + "FileHash: " + hash + "\nFileSize: " + SIZE + "\nNarHash: " + hash + "\nNarSize: " + SIZE + "\nReferences: \n";
        HttpClient http = HttpClient.newHttpClient();
        String auth = "Basic " + Base64.getEncoder().encodeToString((":" + Tokens.write("main")).getBytes());
        try (ServerProcess server = ServerProcess.start(config, port, "-Xmx128m")) {
            long t0 = System.nanoTime();
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(base + "/nar/" + hash.nix32() + ".nar"))
                    .header("Authorization", auth)
                    .PUT(HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedNar(SIZE)), SIZE))
                    .build(), HttpResponse.BodyHandlers.ofString());
            double upSeconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(200, put.statusCode(), put.body());
            HttpResponse<String> info = http.send(HttpRequest.newBuilder(URI.create(base + "/" + storeHash + ".narinfo"))
                    .header("Authorization", auth).PUT(HttpRequest.BodyPublishers.ofString(narInfo)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, info.statusCode(), info.body());
            long t1 = System.nanoTime();
            assertEquals(hash, download(http, base + "/nar/" + hash.nix32() + ".nar"));
            double downSeconds = (System.nanoTime() - t1) / 1e9;
            long rss = server.peakRssKiB();
            System.out.printf("1 GiB NAR at -Xmx128m: upload %.0f MiB/s, download %.0f MiB/s, server peak RSS %d MiB%n",
                    1024 / upSeconds, 1024 / downSeconds, rss / 1024);
            assertTrue(server.process.isAlive(), server.output());
            assertTrue(!server.output().contains("OutOfMemoryError"), server.output());
        }
        try (ServerProcess restarted = ServerProcess.start(config, port, "-Xmx128m")) {
            HttpResponse<String> info = http.send(HttpRequest.newBuilder(URI.create(base + "/" + storeHash + ".narinfo")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, info.statusCode(), "an accepted path survives a restart");
            assertTrue(info.body().contains("NarHash: " + hash));
            HttpResponse<Void> head = http.send(HttpRequest.newBuilder(URI.create(base + "/nar/" + hash.nix32() + ".nar"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            assertEquals(200, head.statusCode());
            assertEquals(Long.toString(SIZE), head.headers().firstValue("content-length").orElse(""));
        }
    }

    private static NixHash download(HttpClient http, String url) throws Exception {
        HttpResponse<InputStream> get = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, get.statusCode());
        try (InputStream in = get.body()) {
            return hashOf(in);
        }
    }

    private static NixHash hashOf(InputStream in) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 20];
        for (int n; (n = in.read(buf)) > 0; ) {
            sha.update(buf, 0, n);
        }
        return NixHash.of(sha);
    }

    /** Deterministic pseudo-random bytes, generated on the fly: the test never holds the NAR either. */
    static final class GeneratedNar extends InputStream {
        private final byte[] block = new byte[1 << 20];
        private long remaining;
        private int pos = block.length;
        private long blockNo;

        GeneratedNar(long size) {
            this.remaining = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining == 0) {
                return -1;
            }
            if (pos == block.length) {
                new Random(blockNo++).nextBytes(block);
                pos = 0;
            }
            int n = (int) Math.min(Math.min(len, block.length - pos), remaining);
            System.arraycopy(block, pos, b, off, n);
            pos += n;
            remaining -= n;
            return n;
        }
    }
}
