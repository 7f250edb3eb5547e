package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real OpenDHT nodes: one holds 2,000 paths in its database (none published while it runs). It announces
 * them by walking the database page by page and walks again every re-announce period (2 s here; the DHT forgets
 * a plain put after 10 minutes). Checked: the walks repeat (the node reports more announcements sent than it has
 * paths), the queue of paths waiting to be sent stays about a page long whatever the number of paths (the node
 * keeps no per-path list), and the other node finds paths from the whole key range after the walks.
 */
@Timeout(300)
class ClusterReannounceTest {
    static final int PATHS = 2_000;
    /** PeerAnnouncer hands 200 paths per page and waits while more than a page is queued. */
    static final long QUEUE_BOUND = 3 * 200;
    static final String REANNOUNCE_PROPERTY = "cache-server.dht.reannounce-seconds";

    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aNodeWithThousandsOfPathsKeepsThemFindableByWalkingThemAgainWithABoundedQueue() throws Exception {
        ClusterNode holder = new ClusterNode(dir.resolve("holder"), "holder");
        ClusterNode seeker = new ClusterNode(dir.resolve("seeker"), "seeker");
        ScaleMemoryTest.Dataset dataset = ScaleMemoryTest.Dataset.generate(new Random(21), PATHS);
        Path data = holder.dir.resolve("data");
        Files.createDirectories(data.resolve("keys"));
        dataset.insert(data.resolve("db.sqlite"), holder.key.name());
        Files.writeString(data.resolve("keys/main.signed-with"), holder.key.publicKey().toString());

        System.setProperty(REANNOUNCE_PROPERTY, "2");
        try {
            holder.start(List.of(), List.of());
        } finally {
            System.clearProperty(REANNOUNCE_PROPERTY);
        }
        try (holder; ClusterNode started = seeker.start(List.of(holder), List.of(holder))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            long maxQueued = 0;
            long announced = 0;
            // Two full walks and some: the second one starts only after the first ended.
            while (announced < 2L * PATHS + 200) {
                assertTrue(System.nanoTime() < deadline, "announcements sent so far: " + announced);
                JsonObject dht = status(holder);
                announced = dht.getLong("announced");
                maxQueued = Math.max(maxQueued, dht.getLong("pendingAnnouncements"));
                assertTrue(maxQueued <= QUEUE_BOUND, "paths queued for announcement: " + maxQueued);
                Thread.sleep(200);
            }

            List<String> sample = new ArrayList<>();
            List<String> sorted = new ArrayList<>(dataset.allHashes());
            sorted.sort(null);
            for (int i = 0; i < PATHS; i += PATHS / 20) {
                sample.add(sorted.get(i));
            }
            sample.add(sorted.get(PATHS - 1));
            for (String hash : sample) {
                awaitFound(started, holder, hash, deadline);
            }
            assertEquals(0, (long) status(holder).getLong("withdrawn"), "nothing was withdrawn");
        }
    }

    private void awaitFound(ClusterNode seeker, ClusterNode holder, String hash, long deadline) throws Exception {
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get("http://127.0.0.1:" + seeker.apiPort + "/api/v1/dht/get/" + hash);
            assertEquals(200, response.statusCode(), response.body());
            last = response.body();
            JsonArray urls = new JsonObject(last).getJsonArray("value");
            if (urls != null && urls.stream().anyMatch(u -> u.toString().contains(":" + holder.httpPort))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the seeker never found " + hash + " at the holder; last answer " + last);
    }

    private JsonObject status(ClusterNode node) throws Exception {
        HttpResponse<String> response = get(node.url() + "/api/v1/dht/status");
        assertEquals(200, response.statusCode(), response.body());
        return new JsonObject(response.body()).getJsonObject("dht");
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + ClusterTest.ADMIN)
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
