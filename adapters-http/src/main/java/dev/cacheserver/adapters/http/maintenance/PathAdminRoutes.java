package dev.cacheserver.adapters.http.maintenance;

import dev.cacheserver.adapters.http.Credentials;
import dev.cacheserver.adapters.http.HttpErrors;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.DeletedPath;
import dev.cacheserver.application.port.in.ManageStorePaths;
import dev.cacheserver.application.port.in.PathDetails;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.upload.Pin;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

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
    private final ManageStorePaths paths;

    public PathAdminRoutes(ManageStorePaths paths) {
        this.paths = paths;
    }

    public void mount(Router router) {
        router.get("/api/v1/admin/caches/:cache/paths").handler(ctx -> answer(ctx, this::list));
        router.get("/api/v1/admin/caches/:cache/paths/:path").handler(ctx -> answer(ctx, this::info));
        router.delete("/api/v1/admin/caches/:cache/paths/:path").handler(ctx -> answer(ctx, this::delete));
    }

    private CompletionStage<JsonObject> list(RoutingContext ctx, Caller caller) {
        int limit = limit(ctx.request().getParam("limit"));
        return paths.list(new ManageStorePaths.ListCommand(caller, ctx.pathParam("cache"),
                ctx.request().getParam("filter", ""), Optional.ofNullable(ctx.request().getParam("after")), limit))
                .thenApply(page -> {
                    JsonObject out = new JsonObject()
                            .put("paths", new JsonArray(page.stream().map(StorePath::fullPath).toList()));
                    if (page.size() == limit) {
                        out.put("next", page.get(page.size() - 1).hash().value());
                    }
                    return out;
                });
    }

    private CompletionStage<JsonObject> info(RoutingContext ctx, Caller caller) {
        return paths.info(new ManageStorePaths.InfoCommand(caller, ctx.pathParam("cache"), ctx.pathParam("path")))
                .thenApply(PathAdminRoutes::json);
    }

    private CompletionStage<JsonObject> delete(RoutingContext ctx, Caller caller) {
        boolean force = "true".equals(ctx.request().getParam("force"));
        return paths.delete(new ManageStorePaths.DeleteCommand(caller, ctx.pathParam("cache"), ctx.pathParam("path"),
                force)).thenApply(PathAdminRoutes::json);
    }

    private void answer(RoutingContext ctx, Operation operation) {
        try {
            Caller caller = Caller.withToken(Credentials.token(ctx.request().getHeader("Authorization")).orElse(null));
            Future.fromCompletionStage(operation.run(ctx, caller), ctx.vertx().getOrCreateContext())
                    .onSuccess(json -> ctx.response().putHeader("Content-Type", "application/json")
                            .end(json.encodePrettily()))
                    .onFailure(e -> fail(ctx, e));
        } catch (RuntimeException e) {
            fail(ctx, e);
        }
    }

    /** Default {@link #DEFAULT_PAGE}; a text that is no number goes on as 0, refused by the use case after the caller. */
    private static int limit(String text) {
        if (text == null || text.isEmpty()) {
            return DEFAULT_PAGE;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return 0;
        }
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

    static void fail(RoutingContext ctx, Throwable e) {
        HttpErrors.Answer answer = HttpErrors.answer(e);
        ctx.response().setStatusCode(answer.status()).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", answer.message()).encode());
    }

    @FunctionalInterface
    private interface Operation {
        CompletionStage<JsonObject> run(RoutingContext ctx, Caller caller);
    }
}
