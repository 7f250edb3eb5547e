package dev.cacheserver.adapters.http;

import static dev.cacheserver.adapters.http.CachixResponses.caller;
import static dev.cacheserver.adapters.http.CachixResponses.json;
import static dev.cacheserver.adapters.http.CachixResponses.name;

import dev.cacheserver.application.port.in.DescribeCachixCache;
import dev.cacheserver.application.port.in.DescribeCachixCache.DescribeCacheCommand;
import dev.cacheserver.application.port.in.FindMissingPaths;
import dev.cacheserver.application.port.in.FindMissingPaths.FindMissingPathsCommand;
import dev.cacheserver.application.port.in.ReadCachixPaths;
import dev.cacheserver.application.port.in.ReadCachixPaths.CachixPathCommand;
import dev.cacheserver.domain.error.NotFoundException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Cachix reads of one cache: its description, the bulk narinfo existence query of {@code cachix push}, single
 * narinfos (text, or JSON when asked), its {@code nix-cache-info} and NAR redirects to the cache's own port.
 */
final class CachixCacheRoutes {
    private static final String CACHE = "/api/v1/cache/:name";
    private static final String NARINFO = "/api/v1/cache/(?<name>[^/]+)/(?<hash>[0-9a-z]{32})\\.narinfo";
    private final DescribeCachixCache caches;
    private final FindMissingPaths missingPaths;
    private final ReadCachixPaths paths;
    private final CachixResponses responses;

    CachixCacheRoutes(DescribeCachixCache caches, FindMissingPaths missingPaths, ReadCachixPaths paths,
                      CachixResponses responses) {
        this.caches = caches;
        this.missingPaths = missingPaths;
        this.paths = paths;
        this.responses = responses;
    }

    void mount(Router router) {
        router.get(CACHE).handler(this::describe);
        router.post(CACHE + "/narinfo").handler(this::missing);
        router.routeWithRegex(HttpMethod.GET, NARINFO).handler(this::narInfo);
        router.routeWithRegex(HttpMethod.HEAD, NARINFO).handler(this::narInfo);
        router.get(CACHE + "/nix-cache-info").handler(this::cacheInfo);
        router.get(CACHE + "/nar/:file").handler(this::narRedirect);
    }

    private void describe(RoutingContext ctx) {
        responses.reply(ctx, caches.describe(new DescribeCacheCommand(caller(ctx), name(ctx))),
                info -> json(ctx, CachixJson.binaryCache(info).toBuffer()));
    }

    private void missing(RoutingContext ctx) {
        List<String> hashes = CachixJson.stringArray(ctx.body().buffer());
        responses.reply(ctx, missingPaths.missing(new FindMissingPathsCommand(caller(ctx), name(ctx), hashes)),
                missing -> json(ctx, new JsonArray(new ArrayList<>(missing)).toBuffer()));
    }

    private void narInfo(RoutingContext ctx) {
        responses.reply(ctx, paths.narInfo(new CachixPathCommand(caller(ctx), name(ctx), ctx.pathParam("hash"))),
                text -> narInfo(ctx, text));
    }

    private static void narInfo(RoutingContext ctx, Optional<byte[]> text) {
        if (text.isEmpty()) {
            throw new NotFoundException("no such path in cache " + ctx.pathParam("name"));
        }
        if (ctx.request().method() == HttpMethod.HEAD) {
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, CachixResponses.JSON)
                    .putHeader(HttpHeaders.CONTENT_LENGTH, "0").end();
            return;
        }
        String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
        if (accept != null && accept.contains("application/json") && !accept.contains("text/x-nix-narinfo")) {
            json(ctx, CachixJson.narInfo(text.get()).toBuffer());
        } else {
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/x-nix-narinfo").end(Buffer.buffer(text.get()));
        }
    }

    private void cacheInfo(RoutingContext ctx) {
        responses.reply(ctx, caches.nixCacheInfo(new DescribeCacheCommand(caller(ctx), name(ctx))),
                text -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/x-nix-cache-info").end(text));
    }

    private void narRedirect(RoutingContext ctx) {
        responses.reply(ctx, paths.narUrl(new CachixPathCommand(caller(ctx), name(ctx), ctx.pathParam("file"))),
                url -> ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, url).end());
    }
}
