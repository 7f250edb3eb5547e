package dev.cacheserver.adapters.http;

import static dev.cacheserver.adapters.http.CachixResponses.empty;
import static dev.cacheserver.adapters.http.CachixResponses.json;
import static dev.cacheserver.adapters.http.CachixResponses.name;

import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.CompleteMultipartUpload;
import dev.cacheserver.application.port.in.CompleteMultipartUpload.AbortUploadCommand;
import dev.cacheserver.application.port.in.CompleteMultipartUpload.CompleteUploadCommand;
import dev.cacheserver.application.port.in.StartMultipartUpload;
import dev.cacheserver.application.port.in.StartMultipartUpload.PartUrlCommand;
import dev.cacheserver.application.port.in.StartMultipartUpload.StartUploadCommand;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.upload.UploadSession;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cachix multipart NAR upload calls of {@code cachix push}: create an upload, a URL per part (the parts go to
 * the cache's own port), complete with the narinfo fields, abort.
 */
final class CachixUploadRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(CachixUploadRoutes.class);
    private static final String CACHE = "/api/v1/cache/:name";
    private static final String UPLOAD = CACHE + "/multipart-nar/:narId";
    private final StartMultipartUpload uploads;
    private final CompleteMultipartUpload completions;
    private final CachixResponses responses;

    CachixUploadRoutes(StartMultipartUpload uploads, CompleteMultipartUpload completions, CachixResponses responses) {
        this.uploads = uploads;
        this.completions = completions;
        this.responses = responses;
    }

    void mount(Router router) {
        router.post(CACHE + "/multipart-nar").handler(this::createUpload);
        router.post(UPLOAD).handler(this::partUrl);
        router.post(UPLOAD + "/complete").handler(this::complete);
        router.post(UPLOAD + "/abort").handler(this::abort);
    }

    private void createUpload(RoutingContext ctx) {
        responses.reply(ctx, uploads.start(new StartUploadCommand(caller(ctx), name(ctx), ctx.request().getParam("compression"))),
                (UploadSession s) -> json(ctx, new JsonObject().put("narId", s.narId().toString())
                        .put("uploadId", s.uploadId()).toBuffer()));
    }

    private void partUrl(RoutingContext ctx) {
        JsonObject body = CachixJson.object(ctx.body().buffer());
        int partNumber = intParam(ctx, "partNumber");
        responses.reply(ctx, uploads.partUrl(new PartUrlCommand(caller(ctx), name(ctx), narId(ctx),
                        ctx.request().getParam("uploadId"), partNumber, CachixJson.string(body, "contentMD5"))),
                url -> json(ctx, new JsonObject().put("uploadUrl", url.toString()).toBuffer()));
    }

    private void complete(RoutingContext ctx) {
        JsonObject body = CachixJson.object(ctx.body().buffer());
        UUID narId = narId(ctx);
        responses.reply(ctx, completions.complete(new CompleteUploadCommand(caller(ctx), name(ctx), narId,
                ctx.request().getParam("uploadId"), CachixJson.parts(body), CachixJson.narInfoCreate(body))), outcome -> {
                    LOG.info("cache {}: upload {} completed: {}", name(ctx), narId, outcome);
                    empty(ctx);
                });
    }

    private void abort(RoutingContext ctx) {
        responses.reply(ctx, completions.abort(new AbortUploadCommand(caller(ctx), name(ctx), narId(ctx),
                        ctx.request().getParam("uploadId"))),
                v -> empty(ctx));
    }

    private static Caller caller(RoutingContext ctx) {
        return CachixResponses.caller(ctx);
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
