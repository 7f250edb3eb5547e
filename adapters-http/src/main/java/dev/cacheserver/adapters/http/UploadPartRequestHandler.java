package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.PartGrant;
import dev.cacheserver.application.port.in.UploadNarParts;
import dev.cacheserver.application.port.in.UploadNarParts.BeginPartCommand;
import dev.cacheserver.application.port.in.UploadNarParts.PartTransfer;
import dev.cacheserver.domain.error.PayloadTooLargeException;
import dev.cacheserver.domain.model.CacheName;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code PUT /_cachix/upload/<narId>/<part>?md5=&expires=&sig=}: the upload URLs the Cachix API hands out, on
 * the cache's own port. The URL is the credential (no Authorization header): admitted only with a valid,
 * unexpired signature and the Content-MD5 it was signed for. The body streams to disk while its MD5 is
 * computed; a match answers 200 with {@code ETag: "<hex md5>"}, as S3 does.
 */
final class UploadPartRequestHandler implements Handler<HttpServerRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(UploadPartRequestHandler.class);
    /** S3's largest part, which is also the client's largest chunk size. */
    static final long MAX_PART_BYTES = 5L << 30;
    private static final ErrorResponse ERRORS = ErrorResponse.text(2, null);
    private final UploadNarParts uploads;
    private final CacheName cache;
    private final Context context;

    UploadPartRequestHandler(UploadNarParts uploads, CacheName cache, Context context) {
        this.uploads = uploads;
        this.cache = cache;
        this.context = context;
    }

    @Override
    public void handle(HttpServerRequest request) {
        try {
            if (request.method() != HttpMethod.PUT) {
                request.response().putHeader(HttpHeaders.ALLOW, "PUT");
                end(request, 405);
                return;
            }
            receive(request, PartUploadUrls.grant(request));
        } catch (RuntimeException e) {
            fail(request, e);
        }
    }

    private void receive(HttpServerRequest request, PartGrant grant) {
        if (DeclaredLength.of(request) > MAX_PART_BYTES) {
            throw new PayloadTooLargeException("a part may have at most " + MAX_PART_BYTES + " bytes");
        }
        RequestFailure broken = RequestFailure.watch(request);
        request.pause();
        future(uploads.beginPart(new BeginPartCommand(cache, grant, PartUploadUrls.signature(request),
                        request.getHeader("Content-MD5"))))
                .compose(transfer -> store(request, broken, transfer)
                        .recover(e -> future(uploads.abandonPart(transfer)).transform(x -> Future.failedFuture(e))))
                .onSuccess(part -> {
                    request.response().putHeader(HttpHeaders.ETAG, part.eTag());
                    end(request, 200);
                })
                .onFailure(e -> {
                    if (ClientGone.is(request, e)) {
                        LOG.info("cache {}: part {} of upload {} ended by the client: {}", cache, grant.partNumber(),
                                grant.narId(), e.toString());
                        return;
                    }
                    LOG.info("cache {}: rejected part {} of upload {}: {}", cache, grant.partNumber(), grant.narId(),
                            HttpErrors.answer(e).message());
                    fail(request, e);
                });
    }

    private Future<dev.cacheserver.domain.upload.UploadedPart> store(HttpServerRequest request, RequestFailure broken,
                                                                     PartTransfer transfer) {
        return SpoolWriteStream.open(context, transfer.spool(), "MD5", MAX_PART_BYTES)
                .compose(writer -> writer.receive(request, broken)
                        .compose(v -> future(uploads.finishPart(transfer, writer.digest(), writer.count()))));
    }

    private <T> Future<T> future(CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, context);
    }


    private static void fail(HttpServerRequest request, Throwable failure) {
        // Refused before the body was read: the writer lets it drain and closes the connection afterwards.
        ERRORS.write(request, failure);
    }

    private static void end(HttpServerRequest request, int status) {
        request.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_LENGTH, "0").end();
    }
}
