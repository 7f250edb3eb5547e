package dev.cacheserver.adapters.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cachix REST router: the token check before any body is read, the body limit, the route families
 * (cache reads, uploads, keys and pins, the original's DHT calls) and the one failure handler.
 */
final class CachixApiRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(CachixApiRoutes.class);
    /** The bulk narinfo query holds up to 32768 hashes (about 1.2 MB). */
    static final int BODY_LIMIT = 4 * 1024 * 1024;

    private final CachixApi api;
    private final Vertx vertx;
    private final CachixResponses responses;

    CachixApiRoutes(CachixApi api, Vertx vertx, Context context) {
        this.api = api;
        this.vertx = vertx;
        this.responses = new CachixResponses(context);
    }

    Router router() {
        Router router = Router.router(vertx);
        router.post().handler(this::authenticateBeforeBody);
        router.post().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
        new CachixCacheRoutes(api.caches(), api.missing(), api.paths(), responses).mount(router);
        new CachixUploadRoutes(api.uploads(), api.completions(), responses).mount(router);
        new CachixKeyAndPinRoutes(api.keys(), api.pins(), responses).mount(router);
        new OriginalDhtRoutes(api.dht(), responses).mount(router);
        router.route().failureHandler(CachixApiRoutes::failure);
        return router;
    }

    /**
     * Authentication comes before the body is read: a missing token (every POST but the public-cache narinfo query
     * needs one) or an invalid one is 401 at once. Permissions, which depend on the body's cache, come later.
     */
    private void authenticateBeforeBody(RoutingContext ctx) {
        String path = ctx.request().path();
        if (!path.startsWith("/api/v1/cache/") && !path.startsWith("/api/v1/dht/")) {
            // Other routes on this port (Cachix Deploy) have their own tokens and check them themselves.
            ctx.next();
            return;
        }
        api.credentials().authenticate(CachixResponses.caller(ctx), path.endsWith("/narinfo"));
        ctx.next();
    }

    private static void failure(RoutingContext ctx) {
        Throwable cause = ctx.failure();
        if (cause != null && ClientGone.is(ctx.request(), cause)) {
            LOG.info("{} {}: the client went away: {}", ctx.request().method(), ctx.request().path(), cause.toString());
            return;
        }
        if (cause == null) {
            // A routing failure (e.g. body too large) with only a status code.
            int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
            CachixResponses.error(ctx, new HttpErrors.Answer(status,
                    status == 413 ? "the body is too large" : "request failed", false));
            return;
        }
        CachixResponses.error(ctx, HttpErrors.answer(cause));
    }
}
