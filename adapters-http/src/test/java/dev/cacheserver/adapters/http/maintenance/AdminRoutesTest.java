package dev.cacheserver.adapters.http.maintenance;

import static dev.cacheserver.adapters.http.maintenance.AdminFixture.await;
import static dev.cacheserver.adapters.http.maintenance.AdminFixture.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.port.in.CollectGarbage;
import dev.cacheserver.application.port.in.GcReport;
import dev.cacheserver.application.retention.GarbageCollector;
import dev.cacheserver.application.retention.Retention;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.retention.RetentionPolicy;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/v1/admin/gc} against the real retention use case over in-memory ports. */
@ExtendWith(VertxExtension.class)
class AdminRoutesTest {
    @TempDir
    Path dir;
    AdminFixture cache;
    Vertx vertx;
    WebClient client;
    final List<GcReport> reported = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp(Vertx vertx) throws Exception {
        this.vertx = vertx;
        cache = new AdminFixture(dir);
        // The collector's clock runs three days ahead: whatever was not read since is past the one-day window.
        GarbageCollector collector = Retention.collector(cache.profile, cache.narInfos.accessTimes(),
                cache.narInfos.removal(), cache.repository, cache.store, cache.pins,
                RetentionPolicy.of(Duration.ofDays(1)), Duration.ofHours(1),
                Clock.offset(Clock.systemUTC(), Duration.ofDays(3)));
        CollectGarbage useCase = Retention.collectGarbage(List.of(collector), cache.access, reported::add);
        client = AdminFixture.serve(vertx, router -> new AdminRoutes(useCase).mount(router));
    }

    HttpResponse<Buffer> gc(String query, String token) throws Exception {
        var request = client.post("/api/v1/admin/gc" + query);
        if (token != null) {
            request.putHeader("Authorization", "Bearer " + token);
        }
        return request.send().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aDryRunListsWhatWouldGoAndChangesNothingThenTheSweepRemovesIt() throws Exception {
        StorePath old = path('a', "old");
        cache.push(old, "old");

        HttpResponse<Buffer> dry = gc("?dry-run=true", cache.adminToken);
        assertEquals(200, dry.statusCode(), dry.bodyAsString());
        assertEquals("application/json", dry.getHeader("Content-Type"));
        JsonObject report = dry.bodyAsJsonObject().getJsonArray("reports").getJsonObject(0);
        assertEquals("main", report.getString("cache"));
        assertTrue(report.getBoolean("dryRun"));
        assertEquals("PT24H", report.getString("retention"));
        assertEquals(new JsonArray().add(old.hash().value()), report.getJsonArray("removedPaths"));
        assertEquals(1, report.getInteger("expiredPathCount"));
        assertTrue(await(cache.repository.find(AdminFixture.MAIN, old.hash())).isPresent(), "a dry run removes nothing");
        assertEquals(List.of(), reported, "a dry run is not reported to the log and metrics");

        HttpResponse<Buffer> real = gc("?cache=main", cache.adminToken);
        assertEquals(200, real.statusCode(), real.bodyAsString());
        JsonObject done = real.bodyAsJsonObject().getJsonArray("reports").getJsonObject(0);
        assertFalse(done.getBoolean("dryRun"));
        assertEquals(1, done.getInteger("removedNars"));
        assertTrue(await(cache.repository.find(AdminFixture.MAIN, old.hash())).isEmpty());
        assertEquals(1, reported.size());
    }

    @Test
    void withoutAValidTokenTheAnswerIs401() throws Exception {
        HttpResponse<Buffer> none = gc("", null);
        assertEquals(401, none.statusCode());
        assertTrue(none.bodyAsJsonObject().getString("error").contains("token"), none.bodyAsString());
        assertEquals(401, gc("", cache.badToken).statusCode());
    }

    @Test
    void aTokenOfTheCacheIsNotAServerAdminToken() throws Exception {
        HttpResponse<Buffer> response = gc("?dry-run=true", cache.cacheAdminToken);
        assertEquals(403, response.statusCode());
        assertTrue(response.bodyAsJsonObject().getString("error").contains("admin token"), response.bodyAsString());
    }

    @Test
    void anUnknownCacheIs404() throws Exception {
        HttpResponse<Buffer> response = gc("?cache=nope", cache.adminToken);
        assertEquals(404, response.statusCode());
        assertEquals("no cache named 'nope'", response.bodyAsJsonObject().getString("error"));
    }

    @Test
    void anInternalFailureIs500WithoutItsMessage() throws Exception {
        CollectGarbage broken = command -> CompletableFuture.failedFuture(
                new IllegalStateException("database /var/lib/secret/db.sqlite is locked"));
        WebClient other = AdminFixture.serve(vertx, router -> new AdminRoutes(broken).mount(router));
        HttpResponse<Buffer> response = other.post("/api/v1/admin/gc").putHeader("Authorization", "Bearer x")
                .send().await(10, TimeUnit.SECONDS);
        assertEquals(500, response.statusCode());
        String error = response.bodyAsJsonObject().getString("error");
        assertTrue(error.startsWith("internal server error (ref "), error);
        assertFalse(response.bodyAsString().contains("secret"), response.bodyAsString());
    }
}
