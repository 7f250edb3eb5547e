package dev.cacheserver.adapters.http.maintenance;

import static dev.cacheserver.adapters.http.maintenance.AdminFixture.await;
import static dev.cacheserver.adapters.http.maintenance.AdminFixture.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.admin.Administration;
import dev.cacheserver.application.port.in.ManageStorePaths;
import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.upload.Pin;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The path administration API against the real use case over in-memory ports: statuses and JSON bodies. */
@ExtendWith(VertxExtension.class)
class PathAdminRoutesTest {
    static final String PATHS = "/api/v1/admin/caches/main/paths";
    @TempDir
    Path dir;
    AdminFixture cache;
    Vertx vertx;
    WebClient client;
    final StorePath lib = path('b', "lib-1.0");
    final StorePath app = path('a', "app-2.0");

    @BeforeEach
    void setUp(Vertx vertx) throws Exception {
        this.vertx = vertx;
        cache = new AdminFixture(dir);
        ManageStorePaths useCase = Administration.manageStorePaths(List.of(new Administration.CacheParts(cache.profile,
                cache.repository, cache.narInfos.removal(), cache.store, cache.pins)), cache.access);
        client = AdminFixture.serve(vertx, router -> new PathAdminRoutes(useCase).mount(router));
        cache.push(lib, "lib");
        cache.push(app, "app", lib);
    }

    HttpResponse<Buffer> call(HttpMethod method, String uri, String token) throws Exception {
        var request = client.request(method, uri);
        if (token != null) {
            request.putHeader("Authorization", "Bearer " + token);
        }
        return request.send().await(10, TimeUnit.SECONDS);
    }

    HttpResponse<Buffer> admin(HttpMethod method, String uri) throws Exception {
        HttpResponse<Buffer> response = call(method, uri, cache.adminToken);
        assertEquals("application/json", response.getHeader("Content-Type"));
        return response;
    }

    @Test
    void listsPagesInHashOrderWithTheNextCursorAndFilters() throws Exception {
        HttpResponse<Buffer> first = admin(HttpMethod.GET, PATHS + "?limit=1");
        assertEquals(200, first.statusCode(), first.bodyAsString());
        assertEquals(new JsonArray().add(app.fullPath()), first.bodyAsJsonObject().getJsonArray("paths"));
        assertEquals(app.hash().value(), first.bodyAsJsonObject().getString("next"));

        JsonObject second = admin(HttpMethod.GET, PATHS + "?limit=1&after=" + app.hash().value()).bodyAsJsonObject();
        assertEquals(new JsonArray().add(lib.fullPath()), second.getJsonArray("paths"));
        JsonObject last = admin(HttpMethod.GET, PATHS + "?after=" + lib.hash().value()).bodyAsJsonObject();
        assertEquals(new JsonArray(), last.getJsonArray("paths"));
        assertNull(last.getString("next"), "a short page is the last");

        JsonObject filtered = admin(HttpMethod.GET, PATHS + "?filter=lib-").bodyAsJsonObject();
        assertEquals(new JsonArray().add(lib.fullPath()), filtered.getJsonArray("paths"));
    }

    @Test
    void infoShowsTheNarinfoReferrersAndPins() throws Exception {
        await(cache.pins.add(new Pin(AdminFixture.MAIN, "release", lib, List.of(),
                new Pin.Keep(Pin.Keep.Kind.FOREVER, 0), Instant.now())));
        HttpResponse<Buffer> response = admin(HttpMethod.GET, PATHS + "/" + lib.fullPath().replace("/", "%2F"));
        assertEquals(200, response.statusCode(), response.bodyAsString());
        JsonObject info = response.bodyAsJsonObject();
        assertEquals(lib.fullPath(), info.getString("storePath"));
        assertEquals(3, info.getLong("narSize"));
        assertEquals(new JsonArray().add(app.fullPath()), info.getJsonArray("referrers"));
        assertFalse(info.getBoolean("moreReferrers"));
        assertEquals("release", info.getJsonArray("pins").getJsonObject(0).getString("name"));
        assertTrue(info.getString("lastAccess") != null);
    }

    @Test
    void deletingAReferencedPathIs409NamingTheReferrerUnlessForced() throws Exception {
        HttpResponse<Buffer> refused = admin(HttpMethod.DELETE, PATHS + "/" + lib.hash().value());
        assertEquals(409, refused.statusCode());
        assertTrue(refused.bodyAsJsonObject().getString("error").contains(app.fullPath()), refused.bodyAsString());
        assertTrue(await(cache.repository.find(AdminFixture.MAIN, lib.hash())).isPresent());

        HttpResponse<Buffer> forced = admin(HttpMethod.DELETE, PATHS + "/" + lib.hash().value() + "?force=true");
        assertEquals(200, forced.statusCode(), forced.bodyAsString());
        assertEquals(lib.fullPath(), forced.bodyAsJsonObject().getString("deleted"));
        assertTrue(forced.bodyAsJsonObject().getBoolean("narDeleted"));
        assertEquals(new JsonArray().add(app.fullPath()), forced.bodyAsJsonObject().getJsonArray("referrers"));
        assertTrue(await(cache.narInfos.serving().lookup(lib.hash())).isEmpty(), "no longer served");

        HttpResponse<Buffer> unreferenced = admin(HttpMethod.DELETE, PATHS + "/" + app.baseName());
        assertEquals(200, unreferenced.statusCode(), unreferenced.bodyAsString());
    }

    @Test
    void badInputIs400UnknownPathsAndCachesAre404() throws Exception {
        HttpResponse<Buffer> notAPath = admin(HttpMethod.GET, PATHS + "/hello");
        assertEquals(400, notAPath.statusCode());
        assertEquals("not a store path or store path hash: 'hello'", notAPath.bodyAsJsonObject().getString("error"));
        for (String limit : List.of("0", "10001", "many")) {
            HttpResponse<Buffer> badLimit = admin(HttpMethod.GET, PATHS + "?limit=" + limit);
            assertEquals(400, badLimit.statusCode(), limit);
            assertEquals("limit must be a number from 1 to 10000", badLimit.bodyAsJsonObject().getString("error"));
        }
        assertEquals(400, admin(HttpMethod.GET, PATHS + "?after=zzz").statusCode());
        HttpResponse<Buffer> unknown = admin(HttpMethod.GET, PATHS + "/" + path('c', "nope").hash().value());
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.bodyAsJsonObject().getString("error").contains("has no path"), unknown.bodyAsString());
        assertEquals(404, admin(HttpMethod.DELETE, "/api/v1/admin/caches/other/paths/" + lib.hash().value())
                .statusCode());
    }

    @Test
    void onlyAServerAdminTokenMayAskAndItIsCheckedFirst() throws Exception {
        assertEquals(401, call(HttpMethod.GET, PATHS, null).statusCode());
        assertEquals(401, call(HttpMethod.DELETE, PATHS + "/" + lib.hash().value(), cache.badToken).statusCode());
        HttpResponse<Buffer> cacheToken = call(HttpMethod.DELETE, PATHS + "/" + app.hash().value(),
                cache.cacheAdminToken);
        assertEquals(403, cacheToken.statusCode());
        assertEquals(401, call(HttpMethod.GET, PATHS + "?limit=many", null).statusCode(),
                "the caller before the input");
        assertEquals(401, call(HttpMethod.GET, "/api/v1/admin/caches/other/paths", null).statusCode(),
                "no cache names revealed without a token");
    }

    @Test
    void aStorageFailureIs500WithoutItsMessage() throws Exception {
        ManageStorePaths broken = new ManageStorePaths() {
            @Override
            public CompletableFuture<List<StorePath>> list(ListCommand command) {
                return CompletableFuture.failedFuture(new StorageException("disk /srv/secret-volume unreadable"));
            }

            @Override
            public CompletableFuture<dev.cacheserver.application.port.in.PathDetails> info(InfoCommand command) {
                throw new IllegalStateException("/srv/secret-volume");
            }

            @Override
            public CompletableFuture<dev.cacheserver.application.port.in.DeletedPath> delete(DeleteCommand command) {
                return CompletableFuture.failedFuture(new IllegalStateException("/srv/secret-volume"));
            }
        };
        WebClient other = AdminFixture.serve(vertx, router -> new PathAdminRoutes(broken).mount(router));
        for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.DELETE)) {
            for (String uri : List.of(PATHS, PATHS + "/" + lib.hash().value())) {
                if (method == HttpMethod.DELETE && uri.equals(PATHS)) {
                    continue;
                }
                HttpResponse<Buffer> response = other.request(method, uri).send().await(10, TimeUnit.SECONDS);
                assertTrue(response.statusCode() >= 500, method + " " + uri + ": " + response.statusCode());
                assertFalse(response.bodyAsString().contains("secret"), response.bodyAsString());
            }
        }
    }
}
