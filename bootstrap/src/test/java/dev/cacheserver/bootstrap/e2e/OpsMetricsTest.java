package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import dev.cacheserver.domain.narinfo.NarInfoText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} after real traffic: every series the requests should move, moved by exactly that much; and
 * who may read it under each {@code metrics-access}.
 */
@Timeout(120)
class OpsMetricsTest {
    static final String ADMIN = new Hs256Tokens(TestServer.KEY.getBytes(StandardCharsets.UTF_8))
            .issue(new TokenClaims("*", Permission.ADMIN, null, "ops-admin"));
    static final String CACHES = "caches:\n  - name: main\n    port: PORT1\n";

    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newHttpClient();
    final Random random = new Random(11);

    HttpResponse<String> send(String method, String url, byte[] body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(java.time.Duration.ofSeconds(30)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    OpsScrape scrape(TestServer server) throws Exception {
        HttpResponse<String> r = send("GET", server.apiUrl() + "/metrics", null, ADMIN);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
        return new OpsScrape(r.body());
    }

    String storeHash() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            sb.append("0123456789abcdfghijklmnpqrsvwxyz".charAt(random.nextInt(32)));
        }
        return sb.toString();
    }

    byte[] nar(int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return TestNars.regularFile(b);
    }

    @Test
    void countersMoveWithTheRequestsMade() throws Exception {
        try (TestServer server = TestServer.start(dir, CACHES, TestServer.freePort())) {
            String base = server.url("main");
            OpsScrape before = scrape(server);
            assertEquals(0, before.value("cache_server_uploads_accepted_total", "cache", "main", "kind", "nar"));
            assertTrue(before.has("cache_server_narinfo_lookups_total", "cache", "main", "result", "hit", "source", "local"),
                    "series exist before the first request");
            assertTrue(before.has("cache_server_storage_bytes", "cache", "main", "storage", "default", "type", "local"));
            assertTrue(before.has("jvm_memory_used_bytes"));

            String hash = storeHash();
            byte[] nar = nar(20_000);
            byte[] file = TestNars.zstd(nar);
            String info = TestNars.narInfo(hash, "pkg", nar, file, "zstd", ".nar.zst");
            String narUrl = base + "/" + NarInfoText.parse(info).narFile().url();
            // Rejected: bytes that do not hash to the NAR's name, and a NAR without a token.
            byte[] other = TestNars.zstd(nar(20_000));
            assertEquals(400, send("PUT", narUrl, other, Tokens.write("main")).statusCode());
            assertEquals(401, send("PUT", narUrl, file, null).statusCode());
            // An accepted push: the NAR, then its narinfo.
            assertEquals(200, send("PUT", narUrl, file, Tokens.write("main")).statusCode());
            assertEquals(200, send("PUT", base + "/" + hash + ".narinfo", info.getBytes(StandardCharsets.UTF_8),
                    Tokens.write("main")).statusCode());
            // Reads: a hit (twice), a miss, the NAR.
            assertEquals(200, send("GET", base + "/" + hash + ".narinfo", null, null).statusCode());
            assertEquals(200, send("GET", base + "/" + hash + ".narinfo", null, null).statusCode());
            assertEquals(404, send("GET", base + "/" + storeHash() + ".narinfo", null, null).statusCode());
            HttpResponse<byte[]> got = http.send(HttpRequest.newBuilder(URI.create(narUrl)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, got.statusCode());
            // A Cachix multipart completion of an upload that does not exist: refused on server-port.
            HttpResponse<String> complete = send("POST", server.apiUrl() + "/api/v1/cache/main/multipart-nar/"
                    + java.util.UUID.randomUUID() + "/complete?uploadId=none",
                    "{\"parts\":[],\"narInfoCreate\":{}}".getBytes(StandardCharsets.UTF_8), Tokens.write("main"));
            assertTrue(complete.statusCode() >= 400, complete.body());
            server.server.gcMetrics().recordRun("main", 3, 4, 5000, 120);

            OpsScrape after = scrape(server);
            String[] main = {"cache", "main"};
            assertEquals(2, delta(before, after, "cache_server_narinfo_lookups_total", main, "result", "hit", "source", "local"));
            assertEquals(1, delta(before, after, "cache_server_narinfo_lookups_total", main, "result", "miss", "source", "local"));
            // Standalone: the peer fallback is asked and finds nothing.
            assertEquals(1, delta(before, after, "cache_server_narinfo_lookups_total", main, "result", "miss", "source", "peer"));
            assertEquals(0, delta(before, after, "cache_server_narinfo_lookups_total", main, "result", "hit", "source", "peer"));
            assertEquals(1, delta(before, after, "cache_server_uploads_accepted_total", main, "kind", "nar"));
            assertEquals(1, delta(before, after, "cache_server_uploads_accepted_total", main, "kind", "narinfo"));
            assertEquals(1, after.value("cache_server_uploads_rejected_total", "cache", "main", "kind", "nar",
                    "reason", "hash_mismatch"), after.text);
            assertEquals(1, after.value("cache_server_uploads_rejected_total", "cache", "main", "kind", "nar",
                    "reason", "unauthorized"));
            assertEquals(1, after.find("cache_server_uploads_rejected_total", "cache", "main", "kind", "multipart").stream()
                    .mapToDouble(OpsScrape.Sample::value).sum(), after.text);
            assertEquals(0, after.value("cache_server_uploads_accepted_total", "cache", "main", "kind", "multipart"));
            assertEquals(1, after.find("cache_server_http_requests_seconds_count", "cache", "main", "route", "api").stream()
                    .mapToDouble(OpsScrape.Sample::value).sum(), "the API request is labelled with the cache it names");
            assertEquals(2, delta(before, after, "cache_server_http_requests_seconds_count", main, "route", "narinfo", "status", "200"));
            assertEquals(1, delta(before, after, "cache_server_http_requests_seconds_count", main, "route", "narinfo", "status", "404"));
            assertEquals(1, delta(before, after, "cache_server_http_requests_seconds_count", main, "route", "nar", "status", "200"));
            assertEquals(1, delta(before, after, "cache_server_http_requests_seconds_count", main, "route", "upload-nar", "status", "200"));
            assertEquals(1, delta(before, after, "cache_server_http_requests_seconds_count", main, "route", "upload-nar", "status", "400"));
            assertEquals(1, delta(before, after, "cache_server_http_requests_seconds_count", main, "route", "upload-nar", "status", "401"));
            assertEquals(2, delta(before, after, "cache_server_http_requests_seconds_bucket", main, "route", "narinfo", "status", "200", "le", "+Inf"));
            assertTrue(after.has("cache_server_http_requests_seconds_bucket", "cache", "main", "route", "narinfo", "le", "0.001"),
                    "latency histogram buckets");
            assertEquals(file.length, delta(before, after, "cache_server_http_sent_bytes_total", main, "route", "nar"));
            assertEquals(other.length + file.length,
                    delta(before, after, "cache_server_http_received_bytes_total", main, "route", "upload-nar"),
                    "received counts every body byte read: the mismatched one too, not the unauthorised one (never read)");
            assertEquals(file.length, after.value("cache_server_storage_bytes", "cache", "main", "storage", "default"));
            assertEquals(1, after.value("cache_server_storage_objects", "cache", "main", "storage", "default"));
            assertEquals(0, after.value("cache_server_dht_cluster_mode"));
            assertEquals(1, delta(before, after, "cache_server_peer_misses_total", main));
            assertEquals(1, after.value("cache_server_gc_runs_total", "cache", "main"));
            assertEquals(3, after.value("cache_server_gc_removed_paths_total", "cache", "main"));
            assertEquals(4, after.value("cache_server_gc_removed_nars_total", "cache", "main"));
            assertEquals(5000, after.value("cache_server_gc_removed_bytes_total", "cache", "main"));
            assertEquals(1, after.value("cache_server_http_requests_seconds_count", "cache", "-", "route", "metrics",
                    "status", "200"), "the first scrape is counted on server-port");
        }
    }

    private static double delta(OpsScrape before, OpsScrape after, String name, String[] cache, String... labels) {
        String[] all = new String[cache.length + labels.length];
        System.arraycopy(cache, 0, all, 0, cache.length);
        System.arraycopy(labels, 0, all, cache.length, labels.length);
        return after.value(name, all) - before.value(name, all);
    }

    @Test
    void adminTokenNeededByDefault() throws Exception {
        try (TestServer server = TestServer.start(dir, CACHES, TestServer.freePort())) {
            HttpResponse<String> anonymous = send("GET", server.apiUrl() + "/metrics", null, null);
            assertEquals(401, anonymous.statusCode());
            assertTrue(!anonymous.body().contains("cache_server_"), anonymous.body());
            assertEquals(403, send("GET", server.apiUrl() + "/metrics", null, Tokens.write("main")).statusCode());
            assertEquals(200, send("GET", server.apiUrl() + "/metrics", null, ADMIN).statusCode());
            assertEquals(404, send("GET", server.url("main") + "/metrics", null, ADMIN).statusCode(),
                    "metrics live on server-port only");
        }
    }

    @Test
    void publicAccessNeedsNoToken() throws Exception {
        try (TestServer server = TestServer.start(dir, "  metrics-access: public\n", CACHES, TestServer.freePort())) {
            HttpResponse<String> r = send("GET", server.apiUrl() + "/metrics", null, null);
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("cache_server_narinfo_lookups_total{"), r.body());
        }
    }

    @Test
    void offRemovesTheEndpoint() throws Exception {
        try (TestServer server = TestServer.start(dir, "  metrics-access: off\n", CACHES, TestServer.freePort())) {
            HttpResponse<String> r = send("GET", server.apiUrl() + "/metrics", null, ADMIN);
            // No such route: the API router answers unknown GETs 405 (its POST body handler matches every path).
            assertTrue(r.statusCode() == 404 || r.statusCode() == 405, r.statusCode() + " " + r.body());
            assertTrue(!r.body().contains("cache_server_"), r.body());
            assertEquals(200, send("GET", server.url("main") + "/nix-cache-info", null, null).statusCode());
        }
    }
}
