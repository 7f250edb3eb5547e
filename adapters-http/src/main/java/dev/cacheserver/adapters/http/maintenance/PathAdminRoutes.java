package dev.cacheserver.adapters.http.maintenance;

import dev.cacheserver.adapters.http.Credentials;
import dev.cacheserver.adapters.http.HttpErrors;
import dev.cacheserver.application.AccessPolicy;
import dev.cacheserver.application.admin.DeletedPath;
import dev.cacheserver.application.admin.PathAdministration;
import dev.cacheserver.application.admin.PathDetails;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.upload.Pin;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Path administration on {@code server-port}, admin token only (what the {@code path} command calls):
 * <ul>
 *   <li>{@code GET /api/v1/admin/caches/NAME/paths[?filter=TEXT][&after=HASH][&limit=N]}: a page of store paths in
 *       hash order, and {@code next} (the hash to pass as {@code after}) while there may be more;</li>
 *   <li>{@code GET /api/v1/admin/caches/NAME/paths/HASH-OR-PATH}: narinfo, last access, referrers, pins;</li>
 *   <li>{@code DELETE /api/v1/admin/caches/NAME/paths/HASH-OR-PATH[?force=true]}: 409 naming the referrers while
 *       other paths reference it or a pin names it, unless forced.</li>
 * </ul>
 */
public final class PathAdminRoutes {
    static final int DEFAULT_PAGE = 1000;
    private final Map<String, PathAdministration> caches;
    private final AccessPolicy access;

    public PathAdminRoutes(List<PathAdministration> caches, AccessPolicy access) {
        this.caches = caches.stream().collect(Collectors.toUnmodifiableMap(c -> c.cache().name().value(),
                Function.identity()));
        this.access = access;
    }

    public void mount(Router router) {
        router.get("/api/v1/admin/caches/:cache/paths").handler(ctx -> answer(ctx, this::list));
        router.get("/api/v1/admin/caches/:cache/paths/:path").handler(ctx -> answer(ctx, this::info));
        router.delete("/api/v1/admin/caches/:cache/paths/:path").handler(ctx -> answer(ctx, this::delete));
    }

    private CompletionStage<JsonObject> list(RoutingContext ctx, PathAdministration admin) {
        String after = ctx.request().getParam("after");
        int limit = limit(ctx.request().getParam("limit"));
        Optional<StorePathHash> from = after == null || after.isEmpty() ? Optional.empty()
                : Optional.of(PathAdministration.hashOf(after));
        return admin.list(ctx.request().getParam("filter", ""), from, limit).thenApply(page -> {
            JsonObject out = new JsonObject()
                    .put("paths", new JsonArray(page.stream().map(StorePath::fullPath).toList()));
            if (page.size() == limit) {
                out.put("next", page.get(page.size() - 1).hash().value());
            }
            return out;
        });
    }

    private CompletionStage<JsonObject> info(RoutingContext ctx, PathAdministration admin) {
        return admin.info(PathAdministration.hashOf(ctx.pathParam("path"))).thenApply(PathAdminRoutes::json);
    }

    private CompletionStage<JsonObject> delete(RoutingContext ctx, PathAdministration admin) {
        boolean force = "true".equals(ctx.request().getParam("force"));
        return admin.delete(PathAdministration.hashOf(ctx.pathParam("path")), force).thenApply(PathAdminRoutes::json);
    }

    private void answer(RoutingContext ctx, Operation operation) {
        try {
            access.checkAdmin(Credentials.token(ctx.request().getHeader("Authorization")));
            String name = ctx.pathParam("cache");
            PathAdministration admin = caches.get(name);
            if (admin == null) {
                throw new NotFoundException("no cache named '" + name + "'");
            }
            Future.fromCompletionStage(operation.run(ctx, admin), ctx.vertx().getOrCreateContext())
                    .onSuccess(json -> ctx.response().putHeader("Content-Type", "application/json")
                            .end(json.encodePrettily()))
                    .onFailure(e -> fail(ctx, e));
        } catch (RuntimeException e) {
            fail(ctx, e);
        }
    }

    private static int limit(String text) {
        if (text == null || text.isEmpty()) {
            return DEFAULT_PAGE;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= PathAdministration.MAX_PAGE) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InvalidInputException("limit must be a number from 1 to " + PathAdministration.MAX_PAGE);
    }

    static JsonObject json(PathDetails details) {
        NarInfo info = details.narInfo();
        JsonObject out = new JsonObject()
                .put("storePath", info.storePath().fullPath())
                .put("url", "nar/" + info.narFile().fileName())
                .put("compression", info.compression().narInfoName())
                .put("fileHash", info.fileHash().toString())
                .put("fileSize", info.fileSize())
                .put("narHash", info.narHash().toString())
                .put("narSize", info.narSize())
                .put("references", new JsonArray(info.references().stream().map(StorePath::fullPath).toList()))
                .put("deriver", info.deriver())
                .put("system", info.system())
                .put("ca", info.ca())
                .put("signatures", new JsonArray(info.signatures().stream().map(Object::toString).toList()))
                .put("lastAccess", details.lastAccess().map(Object::toString).orElse(null))
                .put("referrers", new JsonArray(details.referrers().stream().map(StorePath::fullPath).toList()))
                .put("moreReferrers", details.moreReferrers());
        JsonArray pins = new JsonArray();
        for (Pin pin : details.pins()) {
            pins.add(new JsonObject().put("name", pin.name()).put("createdAt", pin.createdAt().toString())
                    .put("keep", pin.keep().kind().name().toLowerCase(java.util.Locale.ROOT))
                    .put("amount", pin.keep().amount()));
        }
        return out.put("pins", pins);
    }

    static JsonObject json(DeletedPath deleted) {
        return new JsonObject()
                .put("deleted", deleted.path().fullPath())
                .put("narDeleted", deleted.narDeleted())
                .put("referrers", new JsonArray(deleted.referrers().stream().map(StorePath::fullPath).toList()));
    }

    private static void fail(RoutingContext ctx, Throwable e) {
        HttpErrors.Answer answer = HttpErrors.answer(e);
        ctx.response().setStatusCode(answer.status()).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", answer.message()).encode());
    }

    @FunctionalInterface
    private interface Operation {
        CompletionStage<JsonObject> run(RoutingContext ctx, PathAdministration admin);
    }
}
