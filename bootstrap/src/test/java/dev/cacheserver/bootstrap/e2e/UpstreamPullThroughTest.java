package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.model.StorePathHash;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pull-through from upstream caches built the way real ones look, on loopback: the real {@code nix} pushing to
 * {@code file://} with a signing key, served by nginx (its access log counts what reached the upstream), and
 * another cache-server. The client trusts only the pulling cache-server's key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamPullThroughTest {
    private static final long BIG = 200L * 1024 * 1024;

    @TempDir
    static Path dir;
    Path www;
    Path secretKey;
    String publicKey;
    NginxUpstream nginx;
    TestServer second;
    TestServer server;
    ServerSocket hanging;
    final List<Socket> held = new CopyOnWriteArrayList<>();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    void start() throws Exception {
        Nix.requireRootAndNix();
        org.junit.jupiter.api.Assumptions.assumeTrue(NginxUpstream.available(),
                "needs nginx (apt-get install nginx-light)");
        www = Files.createDirectories(dir.resolve("www"));
        secretKey = dir.resolve("upstream.sec");
        Path publicFile = dir.resolve("upstream.pub");
        Nix.lines("nix-store", "--generate-binary-cache-key", "upstream-e2e-1", secretKey.toString(),
                publicFile.toString());
        publicKey = Files.readString(publicFile).strip();
        // An empty file:// cache: nix writes nix-cache-info (StoreDir /nix/store) with the first push.
        pushToFile(secretKey, "xz", List.of(Nix.buildClosure(dir.resolve("seed"), "seed-" + System.nanoTime(), 64)));
        nginx = NginxUpstream.serve(Files.createDirectories(dir.resolve("nginx")), www);
        second = TestServer.start(Files.createDirectories(dir.resolve("second")), """
                caches:
                  - name: second
                    port: PORT1
                """, TestServer.freePort());
        hanging = new ServerSocket(0);
        Thread acceptor = new Thread(() -> {
            while (!hanging.isClosed()) {
                try {
                    held.add(hanging.accept());
                } catch (IOException e) {
                    return;
                }
            }
        }, "hanging-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
        String down = "http://127.0.0.1:" + TestServer.freePort();
        String hang = "http://127.0.0.1:" + hanging.getLocalPort();
        String viaNginx = "{url: \"" + nginx.url() + "\", public-keys: [\"" + publicKey + "\"], priority: 40}";
        server = TestServer.start(Files.createDirectories(dir.resolve("server")), """
                  upstream-timeout: 2s
                  upstream-backoff: 5m
                """, """
                caches:
                  - name: main
                    port: PORT1
                    upstreams:
                      - %1$s
                      - {url: "%2$s", public-keys: ["%3$s"], priority: 50}
                  - name: flaky
                    port: PORT2
                    upstreams:
                      - {url: "%4$s", public-keys: ["%6$s"], priority: 10}
                      - {url: "%5$s", public-keys: ["%6$s"], priority: 20}
                      - %1$s
                  - name: down
                    port: PORT3
                    upstreams:
                      - {url: "%4$s", public-keys: ["%6$s"]}
                  - name: hanging
                    port: PORT4
                    upstreams:
                      - {url: "%5$s", public-keys: ["%6$s"]}
                """.formatted(viaNginx, second.url("second"), second.publicKey("second"), down, hang, publicKey),
                TestServer.freePort(), TestServer.freePort(), TestServer.freePort(), TestServer.freePort());
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (second != null) {
            second.close();
        }
        if (nginx != null) {
            nginx.close();
        }
        if (hanging != null) {
            hanging.close();
        }
        for (Socket socket : held) {
            socket.close();
        }
    }

    @Test
    void nixSubstitutesAClosureOnlyTheUpstreamHasAndTheSecondFetchDoesNotTouchTheUpstream() throws Exception {
        List<String> closure = pushedToNginx("closure", "xz", 1024, 300_000);

        Nix.Result first = fetch("main", closure);
        assertEquals(0, first.exit(), first.output());
        for (String path : closure) {
            assertTrue(Nix.isValid(path), path + " substituted");
        }
        awaitKept("main", closure);
        int upstreamRequests = nginx.requests("HTTP/1.1").size();

        Nix.Result again = fetch("main", closure);

        assertEquals(0, again.exit(), again.output());
        assertTrue(closure.stream().allMatch(UpstreamPullThroughTest::valid));
        assertEquals(upstreamRequests, nginx.requests("HTTP/1.1").size(), "the second fetch never reached nginx");
        OpsScrape metrics = new OpsScrape(http.send(HttpRequest.newBuilder(URI.create(server.apiUrl() + "/metrics"))
                .header("Authorization", "Bearer " + OpsMetricsTest.ADMIN).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertTrue(metrics.value("cache_server_upstream_hits_total", "cache", "main", "upstream", nginx.url())
                >= closure.size(), metrics.text);
        assertTrue(metrics.value("cache_server_upstream_bytes_total", "cache", "main", "upstream", nginx.url()) > 300_000,
                metrics.text);
    }

    @Test
    void cachixUseOffersOnlyThisCachesKey() throws Exception {
        HttpResponse<String> cache = http.send(HttpRequest.newBuilder(URI.create(server.apiUrl() + "/api/v1/cache/main"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, cache.statusCode(), cache.body());
        assertTrue(cache.body().contains(server.publicKey("main")), cache.body());
        assertTrue(!cache.body().contains(publicKey) && !cache.body().contains(second.publicKey("second")),
                "no upstream key: " + cache.body());
    }

    @Test
    void nixSubstitutesFromAnotherCacheServerUpstream() throws Exception {
        String top = Nix.buildClosure(dir.resolve("work-second"), "second-" + System.nanoTime(), 2048);
        List<String> closure = Nix.closure(top);
        pushToServer(second.url("second"), Tokens.write("second"), closure);
        Nix.delete(closure);

        Nix.Result result = fetch("main", closure);

        assertEquals(0, result.exit(), result.output());
        assertTrue(closure.stream().allMatch(UpstreamPullThroughTest::valid));
        awaitKept("main", closure);
        assertTrue(nginx.requests(hashOf(top)).size() > 0, "nginx (priority 40) was asked first and had nothing");
    }

    @Test
    void pathsWhoseUpstreamSignatureIsWrongOrMissingAreRefused() throws Exception {
        Path otherSecret = dir.resolve("other.sec");
        Nix.lines("nix-store", "--generate-binary-cache-key", "someone-else-1", otherSecret.toString(),
                dir.resolve("other.pub").toString());
        String wrongTop = Nix.buildClosure(dir.resolve("work-wrong"), "wrong-" + System.nanoTime(), 512);
        pushToFile(otherSecret, "xz", List.of(wrongTop));
        String unsignedTop = Nix.buildClosure(dir.resolve("work-unsigned"), "unsigned-" + System.nanoTime(), 512);
        pushToFile(null, "xz", List.of(unsignedTop));
        assertTrue(Files.readString(www.resolve(hashOf(unsignedTop) + ".narinfo")).lines()
                .noneMatch(l -> l.startsWith("Sig:")), "pushed without a signature");
        List<String> both = new ArrayList<>(Nix.closure(wrongTop));
        both.addAll(Nix.closure(unsignedTop));
        Nix.delete(both);

        assertEquals(404, get("main", "/" + hashOf(wrongTop) + ".narinfo").statusCode());
        assertEquals(404, get("main", "/" + hashOf(unsignedTop) + ".narinfo").statusCode());
        Nix.Result result = fetch("main", List.of(wrongTop, unsignedTop));
        assertNotEquals(0, result.exit(), result.output());
        assertTrue(!valid(wrongTop) && !valid(unsignedTop), "nothing substituted");
        assertTrue(server.cache("main").narInfos().serving().find(new StorePathHash(hashOf(wrongTop))).toCompletableFuture().join().isEmpty());
    }

    @Test
    void aDownAndAHangingUpstreamDoNotStallTheClient() throws Exception {
        // stalled-download-timeout (10 s) is far above upstream-timeout (2 s): nix only fails if cache-server hangs.
        List<String> closure = pushedToNginx("flaky", "zstd", 4096);

        Nix.Result result = fetch("flaky", closure);

        assertEquals(0, result.exit(), result.output());
        assertTrue(closure.stream().allMatch(UpstreamPullThroughTest::valid));
        assertTrue(held.size() > 0, "the hanging upstream was asked");
    }

    @Test
    void whenNoUpstreamCanAnswerTheClientGetsAGatewayErrorWithAMessage() throws Exception {
        String missing = "/" + "0".repeat(32) + ".narinfo";

        HttpResponse<String> refused = get("down", missing);
        HttpResponse<String> silent = get("hanging", missing);

        assertEquals(502, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("upstream"), refused.body());
        assertEquals(504, silent.statusCode(), silent.body());
        assertTrue(silent.body().contains("timed out"), silent.body());
    }

    @Test
    void headAndRangeWorkOnAPulledPathAndCostOneUpstreamDownload() throws Exception {
        List<String> closure = pushedToNginx("range", "xz", 100_000);
        String blob = closure.stream().filter(p -> p.contains("blob")).findFirst().orElseThrow();
        Map<String, String> narInfo = narInfo(get("main", "/" + hashOf(blob) + ".narinfo"));
        String narUrl = narInfo.get("URL");
        long fileSize = Long.parseLong(narInfo.get("FileSize"));

        HttpResponse<Void> head = http.send(request("main", "/" + narUrl).method("HEAD",
                HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        HttpResponse<byte[]> range = http.send(request("main", "/" + narUrl).header("Range", "bytes=10-109").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> whole = http.send(request("main", "/" + narUrl).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(fileSize), head.headers().firstValue("Content-Length").orElse(""));
        byte[] upstreamFile = Files.readAllBytes(www.resolve(narUrl));
        assertEquals(206, range.statusCode());
        assertArrayEquals(Arrays.copyOfRange(upstreamFile, 10, 110), range.body());
        assertEquals(200, whole.statusCode());
        assertArrayEquals(upstreamFile, whole.body());
        assertEquals(1, nginx.requests("GET /" + narUrl).size(), "one upstream download for HEAD, Range and GET");
    }

    @Test
    void aFirstClientThatGoesAwayMidwayDoesNotStopTheDownload() throws Exception {
        List<String> closure = pushedToNginx("abort", "none", 32L * 1024 * 1024);
        String blob = closure.stream().filter(p -> p.contains("blob")).findFirst().orElseThrow();
        String narUrl = narInfo(get("main", "/" + hashOf(blob) + ".narinfo")).get("URL");
        URI cache = URI.create(server.url("main"));
        try (Socket socket = new Socket(cache.getHost(), cache.getPort())) {
            socket.getOutputStream().write(("GET /" + narUrl + " HTTP/1.1\r\nHost: " + cache.getHost()
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertEquals(65536, socket.getInputStream().readNBytes(65536).length, "the download had started");
        }

        Eventually.await("the path is kept although its first client left", () -> server.cache("main").narInfos().serving()
                .find(new StorePathHash(hashOf(blob))).toCompletableFuture().join().isPresent());
        assertEquals(sha256(Files.newInputStream(www.resolve(narUrl))), download("main", "/" + narUrl));
        assertEquals(1, nginx.requests("GET /" + narUrl).size(), "one upstream download");
    }

    @Test
    void twentyConcurrentClientsOfOneLargeNarCauseOneUpstreamDownload() throws Exception {
        String top = Nix.buildClosure(dir.resolve("work-big"), "big-" + System.nanoTime(), BIG);
        String blob = Nix.closure(top).stream().filter(p -> p.contains("blob")).findFirst().orElseThrow();
        pushToFile(secretKey, "none", List.of(blob));
        Map<String, String> narInfo = narInfo(get("main", "/" + hashOf(blob) + ".narinfo"));
        String narUrl = narInfo.get("URL");
        long fileSize = Long.parseLong(narInfo.get("FileSize"));
        assertTrue(fileSize > BIG, "a NAR of more than 200 MiB");

        ExecutorService clients = Executors.newFixedThreadPool(20);
        List<Future<String>> downloads = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                downloads.add(clients.submit(() -> download("main", "/" + narUrl)));
            }
            List<String> digests = new ArrayList<>();
            for (Future<String> download : downloads) {
                digests.add(download.get());
            }
            String expected = sha256(Files.newInputStream(www.resolve(narUrl)));
            assertEquals(List.of(expected), digests.stream().distinct().toList(), "every client got the whole NAR");
        } finally {
            clients.shutdownNow();
        }
        assertEquals(1, nginx.requests("GET /" + narUrl).size(), "one upstream download");
        Eventually.await("the large path is kept", () -> server.cache("main").narInfos().serving()
                .find(new StorePathHash(hashOf(blob))).toCompletableFuture().join().isPresent());
        Nix.delete(Nix.closure(top));
    }

    private List<String> pushedToNginx(String name, String compression, long... sizes) throws Exception {
        String top = Nix.buildClosure(dir.resolve("work-" + name), name + "-" + System.nanoTime(), sizes);
        List<String> closure = Nix.closure(top);
        pushToFile(secretKey, compression, closure);
        Nix.delete(closure);
        return closure;
    }

    /** {@code nix copy --to file://<www>}, signed with {@code key} (null: unsigned). */
    private void pushToFile(Path key, String compression, List<String> paths) throws Exception {
        String url = "file://" + www + "?compression=" + compression + (key == null ? "" : "&secret-key=" + key);
        List<String> command = new ArrayList<>(List.of("nix", "--extra-experimental-features", "nix-command",
                "copy", "--to", url));
        command.addAll(paths);
        Nix.lines(command.toArray(String[]::new));
    }

    private void pushToServer(String url, String token, List<String> paths) throws Exception {
        Path etc = Files.createDirectories(dir.resolve("push-etc-" + System.nanoTime()));
        Files.writeString(etc.resolve("netrc"), "machine 127.0.0.1\npassword " + token + "\n");
        Files.writeString(etc.resolve("nix.conf"), "build-users-group =\nexperimental-features = nix-command\n"
                + "netrc-file = " + etc.resolve("netrc") + "\n");
        List<String> command = new ArrayList<>(List.of("nix", "copy", "--to", url));
        command.addAll(paths);
        Nix.Result result = Nix.run(Map.of("NIX_CONF_DIR", etc.toString()), command.toArray(String[]::new));
        assertEquals(0, result.exit(), result.output());
    }

    /** Deletes {@code paths} locally, then substitutes them from {@code cache}, trusting only its key. */
    private Nix.Result fetch(String cache, List<String> paths) throws Exception {
        List<String> present = paths.stream().filter(UpstreamPullThroughTest::valid).toList();
        if (!present.isEmpty()) {
            Nix.delete(present);
        }
        Path etc = Files.createDirectories(dir.resolve("etc-" + System.nanoTime()));
        Files.writeString(etc.resolve("nix.conf"), """
                build-users-group =
                experimental-features = nix-command
                substituters =
                require-sigs = true
                connect-timeout = 5
                stalled-download-timeout = 10
                download-attempts = 1
                """);
        Path xdg = Files.createDirectories(dir.resolve("xdg-" + System.nanoTime()));
        List<String> command = new ArrayList<>(List.of("nix", "copy", "--from", server.url(cache),
                "--option", "trusted-public-keys", server.publicKey(cache)));
        command.addAll(paths);
        return Nix.run(Map.of("NIX_CONF_DIR", etc.toString(), "XDG_CACHE_HOME", xdg.toString()),
                command.toArray(String[]::new));
    }

    private void awaitKept(String cache, List<String> closure) {
        Eventually.await("every path is kept in " + cache, () -> closure.stream().allMatch(p ->
                server.cache(cache).narInfos().serving().find(new StorePathHash(hashOf(p))).toCompletableFuture().join().isPresent()));
    }

    private HttpRequest.Builder request(String cache, String path) {
        return HttpRequest.newBuilder(URI.create(server.url(cache) + path)).timeout(Duration.ofSeconds(60));
    }

    private HttpResponse<String> get(String cache, String path) throws Exception {
        return http.send(request(cache, path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String download(String cache, String path) throws Exception {
        HttpResponse<InputStream> response = http.send(request(cache, path).timeout(Duration.ofMinutes(5)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        return sha256(response.body());
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (in) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static Map<String, String> narInfo(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        Map<String, String> fields = new java.util.HashMap<>();
        response.body().lines().forEach(line -> {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 2));
            }
        });
        return fields;
    }

    private static String hashOf(String storePath) {
        return storePath.substring("/nix/store/".length(), "/nix/store/".length() + 32);
    }

    private static boolean valid(String path) {
        try {
            return Nix.isValid(path);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
