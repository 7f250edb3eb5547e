package dev.cacheserver.bootstrap.e2e;

import static dev.cacheserver.bootstrap.e2e.NixFileCache.hashOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cacheserver.domain.model.StorePathHash;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request for a NAR that another request is pulling from an upstream streams the bytes already received: the
 * upstream here sends the first half of the NAR, then holds the rest until the test lets it go on, and a second
 * client must have bytes while the upstream is still holding. One upstream download in all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamFollowersTest {
    @TempDir
    static Path dir;
    NixFileCache upstream;
    HttpServer gated;
    ExecutorService gatedThreads;
    final CountDownLatch rest = new CountDownLatch(1);
    final CountDownLatch breakOff = new CountDownLatch(1);
    /** The upstream path of a NAR whose download breaks off halfway once {@link #breakOff} is counted down. */
    volatile String broken = "";
    final List<String> narRequests = new CopyOnWriteArrayList<>();
    TestServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    void start() throws Exception {
        Nix.requireRootAndNix();
        upstream = NixFileCache.create(Files.createDirectories(dir.resolve("upstream")), "followers-e2e-1");
        gated = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gatedThreads = Executors.newCachedThreadPool();
        gated.setExecutor(gatedThreads);
        gated.createContext("/", this::serveGated);
        gated.start();
        server = TestServer.start(Files.createDirectories(dir.resolve("server")), """
                caches:
                  - name: main
                    port: PORT1
                    upstreams:
                      - {url: "http://127.0.0.1:%1$d", public-keys: ["%2$s"]}
                  - name: breaking
                    port: PORT2
                    upstreams:
                      - {url: "http://127.0.0.1:%1$d", public-keys: ["%2$s"]}
                """.formatted(gated.getAddress().getPort(), upstream.publicKey), TestServer.freePort(),
                TestServer.freePort());
    }

    @AfterAll
    void stop() {
        rest.countDown();
        if (server != null) {
            server.close();
        }
        if (gated != null) {
            gated.stop(0);
            gatedThreads.shutdownNow();
        }
    }

    /** Serves the file cache; a NAR's second half only once {@link #rest} is counted down. */
    private void serveGated(HttpExchange exchange) throws java.io.IOException {
        try (exchange) {
            Path file = upstream.www.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            if (!file.startsWith(upstream.www) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = Files.readAllBytes(file);
            exchange.sendResponseHeaders(200, body.length);
            OutputStream out = exchange.getResponseBody();
            if (!file.startsWith(upstream.www.resolve("nar"))) {
                out.write(body);
                return;
            }
            narRequests.add(exchange.getRequestURI().getPath());
            out.write(body, 0, body.length / 2);
            out.flush();
            if (exchange.getRequestURI().getPath().equals(broken)) {
                breakOff.await(2, TimeUnit.MINUTES);
                // Closing a fixed-length response short of its length drops the connection mid-NAR.
                return;
            }
            if (rest.await(2, TimeUnit.MINUTES)) {
                out.write(body, body.length / 2, body.length - body.length / 2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aSecondClientStreamsTheBytesAlreadyPulledWhileTheUpstreamIsStillSending() throws Exception {
        List<String> closure = upstream.push(dir.resolve("work"), "follow", "none", 4L * 1024 * 1024);
        String blob = closure.stream().filter(p -> p.contains("blob")).findFirst().orElseThrow();
        String narInfo = get("main", "/" + hashOf(blob) + ".narinfo");
        String narUrl = narInfo.lines().filter(l -> l.startsWith("URL: ")).findFirst().orElseThrow().substring(5);
        byte[] expected = Files.readAllBytes(upstream.www.resolve(upstream.narInfo(blob).get("URL")));

        InputStream first = open("main", "/" + narUrl);
        InputStream second = open("main", "/" + narUrl);
        CompletableFuture<byte[]> secondsStart = CompletableFuture.supplyAsync(() -> readQuietly(second, 65536));

        byte[] start = secondsStart.get(2, TimeUnit.MINUTES);
        assertEquals(1, rest.getCount(), "the upstream is still holding back the second half");
        assertEquals(65536, start.length, "the second client had bytes while the upstream was still sending");
        rest.countDown();
        // Both clients read on, as real ones do: the first one's pace is the download's (back-pressure).
        CompletableFuture<byte[]> firstWhole = CompletableFuture.supplyAsync(() -> readQuietly(first, Integer.MAX_VALUE));
        byte[] secondWhole = concat(start, second.readAllBytes());

        assertEquals(sha256(expected), sha256(firstWhole.get(2, TimeUnit.MINUTES)));
        assertEquals(sha256(expected), sha256(secondWhole));
        assertArrayEquals(java.util.Arrays.copyOf(expected, 65536), start);
        String upstreamPath = "/" + upstream.narInfo(blob).get("URL");
        assertEquals(List.of(upstreamPath), narRequests.stream().filter(upstreamPath::equals).toList(),
                "one upstream download");
    }

    @Test
    void whenTheDownloadBreaksOffTheFollowerFailsTooAndNothingIsKept() throws Exception {
        List<String> closure = upstream.push(dir.resolve("work-broken"), "broken", "none", 2L * 1024 * 1024);
        String blob = closure.stream().filter(p -> p.contains("blob")).findFirst().orElseThrow();
        broken = "/" + upstream.narInfo(blob).get("URL");
        String narInfo = get("breaking", "/" + hashOf(blob) + ".narinfo");
        String narUrl = narInfo.lines().filter(l -> l.startsWith("URL: ")).findFirst().orElseThrow().substring(5);
        long size = Long.parseLong(upstream.narInfo(blob).get("FileSize"));

        InputStream first = open("breaking", "/" + narUrl);
        InputStream second = open("breaking", "/" + narUrl);
        byte[] start = CompletableFuture.supplyAsync(() -> readQuietly(second, 65536)).get(2, TimeUnit.MINUTES);
        breakOff.countDown();
        CompletableFuture<Long> firstGot = CompletableFuture.supplyAsync(() -> drain(first));
        long secondGot = start.length + drain(second);
        firstGot.get(2, TimeUnit.MINUTES);

        // A follower's response is cut only once the download has failed and its spool is gone.
        assertTrue(secondGot < size, "the follower did not get a whole NAR: " + secondGot + " of " + size);
        assertTrue(server.cache("breaking").narInfos().serving().find(new StorePathHash(hashOf(blob)))
                .toCompletableFuture().join().isEmpty(), "nothing kept");
        assertTrue(noFileNamed(narUrl.substring("nar/".length())), "no NAR stored");
    }

    /** Reads to the end or to a broken connection; the bytes read. */
    private static long drain(InputStream in) {
        long n = 0;
        byte[] buffer = new byte[65536];
        try (in) {
            int r;
            while ((r = in.read(buffer)) > 0) {
                n += r;
            }
        } catch (java.io.IOException e) {
            // The response was cut: what a client sees when the download it follows fails.
        }
        return n;
    }

    private boolean noFileNamed(String name) throws java.io.IOException {
        try (var files = Files.walk(server.dir)) {
            return files.noneMatch(f -> f.getFileName().toString().equals(name));
        }
    }

    private InputStream open(String cache, String path) throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(server.url(cache) + path))
                .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    private String get(String cache, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.url(cache) + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static byte[] readQuietly(InputStream in, int n) {
        try {
            return in.readNBytes(n);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
