package dev.cacheserver.adapters.http;

import dev.cacheserver.application.CacheProfile;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.IngestNar;
import dev.cacheserver.application.port.in.IngestNar.UploadNarCommand;
import dev.cacheserver.application.port.in.NarSpool;
import dev.cacheserver.application.port.in.SpooledBytes;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code PUT /nar/<filehash>.nar[.ext]}: only moves bytes. The ingest use case decides whether the caller may write
 * and whether the declared size can be taken, before a byte of the body is read; the body then streams into the
 * spool it handed out while being hashed, and the use case verifies and publishes it. Runs on the event loop.
 */
final class NarUploadRoute {
    private static final Logger LOG = LoggerFactory.getLogger(NarUploadRoute.class);

    private final IngestNar ingest;
    private final CacheProfile cache;
    private final Context context;
    private final BiConsumer<HttpServerRequest, Throwable> fail;

    NarUploadRoute(IngestNar ingest, CacheProfile cache, Context context, BiConsumer<HttpServerRequest, Throwable> fail) {
        this.ingest = ingest;
        this.cache = cache;
        this.context = context;
        this.fail = fail;
    }

    void handle(HttpServerRequest request, NarFile file) {
        Caller caller = Caller.withToken(Credentials.token(request.getHeader(HttpHeaders.AUTHORIZATION)).orElse(null));
        UploadNarCommand command = new UploadNarCommand(caller, file, DeclaredLength.of(request));
        RequestFailure broken = RequestFailure.watch(request);
        request.pause();
        future(ingest.open(command))
                .compose(spool -> future(ingest.finish(spool, receive(request, broken, spool).toCompletionStage())))
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

    private Future<SpooledBytes> receive(HttpServerRequest request, RequestFailure broken, NarSpool spool) {
        return SpoolWriteStream.open(context, spool.progress(), "SHA-256", spool.claim().maxBytes())
                .compose(writer -> writer.receive(request, broken)
                        .map(v -> new SpooledBytes(new NixHash(writer.digest()), writer.count())));
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
