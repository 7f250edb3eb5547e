package dev.cacheserver.adapters.http;

import dev.cacheserver.application.cachix.CachixCache;
import dev.cacheserver.domain.error.AuthenticationException;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.upload.UploadSession;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cachix REST routes. Every success is exactly 200 (servant-client accepts nothing else), every JSON
 * answer says {@code Content-Type: application/json}, and {@code Bearer } with an empty token is anonymous.
 * Failures go through {@link HttpErrors}; 503 answers carry {@code Retry-After}.
 */
final class CachixApiRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(CachixApiRoutes.class);
    /** The bulk narinfo query holds up to 32768 hashes (about 1.2 MB). */
    private static final int BODY_LIMIT = 4 * 1024 * 1024;
    private static final String JSON = "application/json; charset=utf-8";
    private static final String CACHE = "/api/v1/cache/:name";
    private static final String UPLOAD = CACHE + "/multipart-nar/:narId";
    private static final String NARINFO = "/api/v1/cache/(?<name>[^/]+)/(?<hash>[0-9a-z]{32})\\.narinfo";
    private static final ErrorResponse ERRORS = ErrorResponse.json(2, "Bearer realm=\"cache-server\"");

    private final CachixApi api;
    private final Vertx vertx;
    private final Context context;

    CachixApiRoutes(CachixApi api, Vertx vertx, Context context) {
        this.api = api;
        this.vertx = vertx;
        this.context = context;
    }

    Router router() {
        Router router = Router.router(vertx);
        router.post().handler(this::authenticateBeforeBody);
        router.post().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
        router.get(CACHE).handler(this::describe);
        router.post(CACHE + "/narinfo").handler(this::missing);
        router.routeWithRegex(HttpMethod.GET, NARINFO).handler(this::narInfo);
        router.routeWithRegex(HttpMethod.HEAD, NARINFO).handler(this::narInfo);
        router.get(CACHE + "/nix-cache-info").handler(this::cacheInfo);
        router.get(CACHE + "/nar/:file").handler(this::narRedirect);
        router.post(CACHE + "/multipart-nar").handler(this::createUpload);
        router.post(UPLOAD).handler(this::partUrl);
        router.post(UPLOAD + "/complete").handler(this::complete);
        router.post(UPLOAD + "/abort").handler(this::abort);
        router.post(CACHE + "/key").handler(this::registerKey);
        router.post(CACHE + "/pin").handler(this::pin);
        router.get("/api/v1/dht/get/:key").handler(this::dhtGet);
        router.post("/api/v1/dht/put").handler(this::dhtPut);
        router.route().failureHandler(this::failure);
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
        Optional<String> token = token(ctx);
        api.access().rejectInvalid(token);
        if (token.isEmpty() && !path.endsWith("/narinfo")) {
            throw new AuthenticationException("this request needs a token");
        }
        ctx.next();
    }

    private void describe(RoutingContext ctx) {
        reply(ctx, api.catalog().describe(name(ctx), token(ctx)), info -> json(ctx, CachixJson.binaryCache(info).toBuffer()));
    }

    private void missing(RoutingContext ctx) {
        List<String> hashes = CachixJson.stringArray(ctx.body().buffer());
        reply(ctx, api.catalog().missing(name(ctx), token(ctx), hashes),
                missing -> json(ctx, new JsonArray(new java.util.ArrayList<>(missing)).toBuffer()));
    }

    private void narInfo(RoutingContext ctx) {
        reply(ctx, api.catalog().narInfo(ctx.pathParam("name"), token(ctx), new StorePathHash(ctx.pathParam("hash"))),
                text -> narInfo(ctx, text));
    }

    private void narInfo(RoutingContext ctx, Optional<byte[]> text) {
        if (text.isEmpty()) {
            throw new NotFoundException("no such path in cache " + ctx.pathParam("name"));
        }
        if (ctx.request().method() == HttpMethod.HEAD) {
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).putHeader(HttpHeaders.CONTENT_LENGTH, "0").end();
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
        CachixCache cache = api.catalog().readable(name(ctx), token(ctx));
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/x-nix-cache-info")
                .end(cache.profile().nixCacheInfo());
    }

    private void narRedirect(RoutingContext ctx) {
        CachixCache cache = api.catalog().readable(name(ctx), token(ctx));
        NarFile file = NarFile.parseFileName(ctx.pathParam("file"));
        String base = cache.profile().publicUrl().toString().replaceAll("/+$", "");
        ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, base + "/" + file.url()).end();
    }

    private void createUpload(RoutingContext ctx) {
        reply(ctx, api.uploads().create(name(ctx), token(ctx), ctx.request().getParam("compression")),
                (UploadSession s) -> json(ctx, new JsonObject().put("narId", s.narId().toString())
                        .put("uploadId", s.uploadId()).toBuffer()));
    }

    private void partUrl(RoutingContext ctx) {
        JsonObject body = CachixJson.object(ctx.body().buffer());
        int partNumber = intParam(ctx, "partNumber");
        reply(ctx, api.uploads().partUrl(name(ctx), token(ctx), narId(ctx), ctx.request().getParam("uploadId"),
                partNumber, CachixJson.string(body, "contentMD5")),
                url -> json(ctx, new JsonObject().put("uploadUrl", url.toString()).toBuffer()));
    }

    private void complete(RoutingContext ctx) {
        JsonObject body = CachixJson.object(ctx.body().buffer());
        UUID narId = narId(ctx);
        reply(ctx, api.uploads().complete(name(ctx), token(ctx), narId, ctx.request().getParam("uploadId"),
                CachixJson.parts(body), CachixJson.narInfoCreate(body)), outcome -> {
                    LOG.info("cache {}: upload {} completed: {}", name(ctx), narId, outcome);
                    empty(ctx);
                });
    }

    private void abort(RoutingContext ctx) {
        reply(ctx, api.uploads().abort(name(ctx), token(ctx), narId(ctx), ctx.request().getParam("uploadId")),
                v -> empty(ctx));
    }

    private void registerKey(RoutingContext ctx) {
        JsonObject body = CachixJson.object(ctx.body().buffer());
        reply(ctx, api.keys().register(name(ctx), token(ctx), CachixJson.string(body, "publicKey")), key -> {
            LOG.info("cache {}: registered public key {}", name(ctx), key);
            empty(ctx);
        });
    }

    private void pin(RoutingContext ctx) {
        JsonObject body = CachixJson.object(ctx.body().buffer());
        reply(ctx, api.pins().pin(name(ctx), token(ctx), CachixJson.string(body, "name"),
                CachixJson.string(body, "storePath"), CachixJson.strings(body, "artifacts"),
                CachixJson.keep(body.getValue("keep"))), pin -> empty(ctx));
    }

    /** The original's DHT read: the URLs of caches that announced the store path hash, or null. */
    private void dhtGet(RoutingContext ctx) {
        String key = ctx.pathParam("key");
        if (api.peers() == null || !StorePathHash.isValid(key)) {
            json(ctx, new JsonObject().putNull("value").toBuffer());
            return;
        }
        reply(ctx, api.peers().findProviders(new StorePathHash(key)), providers -> {
            JsonObject answer = new JsonObject();
            if (providers.isEmpty()) {
                answer.putNull("value");
            } else {
                JsonArray urls = new JsonArray();
                providers.forEach(p -> urls.add(p.url().toString()));
                answer.put("value", urls);
            }
            json(ctx, answer.toBuffer());
        });
    }

    /**
     * The original's DHT write, kept for compatibility and restricted to admin tokens. This server announces
     * its own paths; arbitrary records from clients are not put into the network, which is said plainly.
     */
    private void dhtPut(RoutingContext ctx) {
        api.access().checkAdmin(token(ctx));
        JsonObject body = CachixJson.object(ctx.body().buffer());
        if (CachixJson.string(body, "key") == null || CachixJson.string(body, "value") == null) {
            throw new InvalidInputException("key and value are required");
        }
        // A permanent refusal: 501 without Retry-After, so no client retries what can never succeed.
        throw new dev.cacheserver.domain.error.NotSupportedException(
                "this server announces its own store paths; client DHT records are never accepted");
    }

    private void failure(RoutingContext ctx) {
        Throwable cause = ctx.failure();
        if (cause != null && ClientGone.is(ctx.request(), cause)) {
            LOG.info("{} {}: the client went away: {}", ctx.request().method(), ctx.request().path(), cause.toString());
            return;
        }
        if (cause == null) {
            // A routing failure (e.g. body too large) with only a status code.
            int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
            error(ctx, new HttpErrors.Answer(status, status == 413 ? "the body is too large" : "request failed", false));
            return;
        }
        error(ctx, HttpErrors.answer(cause));
    }

    private void error(RoutingContext ctx, HttpErrors.Answer answer) {
        if (!ctx.response().headWritten() && answer.status() >= 400 && answer.status() < 500 && answer.status() != 401
                && answer.status() != 404) {
            LOG.info("{} {}: {} {}", ctx.request().method(), ctx.request().path(), answer.status(), answer.message());
        }
        ERRORS.write(ctx.request(), answer);
    }

    private <T> void reply(RoutingContext ctx, CompletionStage<T> stage, java.util.function.Consumer<T> onSuccess) {
        Future.fromCompletionStage(stage, context).onComplete(result -> {
            if (result.failed()) {
                ctx.fail(result.cause());
                return;
            }
            try {
                onSuccess.accept(result.result());
            } catch (RuntimeException e) {
                ctx.fail(e);
            }
        });
    }

    private static void json(RoutingContext ctx, Buffer body) {
        ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(body);
    }

    /** The "NoContent" endpoints: servant wants exactly 200 and ignores the body. */
    private static void empty(RoutingContext ctx) {
        ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                .putHeader(HttpHeaders.CONTENT_LENGTH, "0").end();
    }

    private static String name(RoutingContext ctx) {
        return ctx.pathParam("name");
    }

    private static Optional<String> token(RoutingContext ctx) {
        return Credentials.token(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
    }

    private static UUID narId(RoutingContext ctx) {
        try {
            return UUID.fromString(ctx.pathParam("narId"));
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("no such upload: narId is not a UUID");
        }
    }

    private static int intParam(RoutingContext ctx, String name) {
        String value = ctx.request().getParam(name);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(name + " must be a number");
        }
    }

}
