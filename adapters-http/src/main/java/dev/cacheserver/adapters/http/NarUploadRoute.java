package dev.cacheserver.adapters.http;

import dev.cacheserver.application.AccessPolicy;
import dev.cacheserver.application.CacheProfile;
import dev.cacheserver.application.UploadNarUseCase;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.error.PayloadTooLargeException;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.port.NarContentHasher.NarDigest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code PUT /nar/<filehash>.nar[.ext]}: authorises, refuses a declared size no storage can take before a byte is
 * read, streams the body into a spool file while hashing it, and hands the spool to the upload use case, which
 * publishes the NAR only when its hash is the one in the name. Runs on the event loop.
 */
final class NarUploadRoute {
    private static final Logger LOG = LoggerFactory.getLogger(NarUploadRoute.class);

    private final UploadNarUseCase uploads;
    private final AccessPolicy access;
    private final CacheProfile cache;
    private final long maxNarBytes;
    private final Context context;
    private final BiConsumer<HttpServerRequest, Throwable> fail;

    NarUploadRoute(UploadNarUseCase uploads, AccessPolicy access, CacheProfile cache, long maxNarBytes,
                   Context context, BiConsumer<HttpServerRequest, Throwable> fail) {
        this.uploads = uploads;
        this.access = access;
        this.cache = cache;
        this.maxNarBytes = maxNarBytes;
        this.context = context;
        this.fail = fail;
    }

    void handle(HttpServerRequest request, NarFile file) {
        access.check(cache, Permission.WRITE, Credentials.token(request.getHeader(HttpHeaders.AUTHORIZATION)));
        long declared = DeclaredLength.of(request);
        if (declared > maxNarBytes) {
            throw new PayloadTooLargeException("a NAR may have at most " + maxNarBytes + " bytes");
        }
        RequestFailure broken = RequestFailure.watch(request);
        request.pause();
        // A declared size that fits on no storage is refused at once, before a byte of the body is read.
        future(uploads.admit(declared)).compose(admitted -> future(uploads.begin()))
                .compose(spool -> receiveInto(request, broken, spool, file)
                .recover(e -> future(uploads.abandon(spool, e))
                        .transform(reported -> Future.failedFuture(reported.succeeded() ? reported.result() : e))))
                .onSuccess(v -> ok(request))
                .onFailure(e -> {
                    if (ClientGone.is(request, e)) {
                        LOG.info("cache {}: NAR upload {} ended by the client: {}", cache.name(), file.fileName(),
                                e.toString());
                        return;
                    }
                    LOG.warn("cache {}: rejected NAR upload {}: {}", cache.name(), file.fileName(),
                            HttpErrors.answer(e).message());
                    fail.accept(request, e);
                });
    }

    private Future<Void> receiveInto(HttpServerRequest request, RequestFailure broken, Path spool, NarFile file) {
        return SpoolWriteStream.open(context, spool, "SHA-256", maxNarBytes).compose(writer -> {
            // The content is digested while it arrives, so the narinfo that follows needs no second pass.
            Optional<CompletionStage<NarDigest>> content = uploads.follow(writer.progress(), file.compression());
            return writer.receive(request, broken).compose(v -> future(uploads.complete(spool, file,
                    new NixHash(writer.digest()), writer.count(), content)));
        });
    }

    private static void ok(HttpServerRequest request) {
        request.response().setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .putHeader(HttpHeaders.CONTENT_LENGTH, "0")
                .end(Buffer.buffer());
    }

    private <T> Future<T> future(CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, context);
    }
}
