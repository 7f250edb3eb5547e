package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.IngestNar;
import dev.cacheserver.application.port.in.IngestNar.UploadNarCommand;
import dev.cacheserver.application.port.in.NarSpool;
import dev.cacheserver.application.port.in.SpooledBytes;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.CompletionStage;
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
    private final CacheResponses responses;

    NarUploadRoute(IngestNar ingest, CacheResponses responses) {
        this.ingest = ingest;
        this.responses = responses;
    }

    void put(HttpServerRequest request, NarFile file) {
        UploadNarCommand command = new UploadNarCommand(CacheResponses.caller(request), file,
                DeclaredLength.of(request));
        RequestFailure broken = RequestFailure.watch(request);
        request.pause();
        future(ingest.open(command))
                .compose(spool -> future(ingest.finish(spool, receive(request, broken, spool).toCompletionStage())))
                .onSuccess(v -> CacheResponses.ok(request))
                .onFailure(e -> {
                    if (ClientGone.is(request, e)) {
                        LOG.info("cache {}: NAR upload {} ended by the client: {}", responses.cache(), file.fileName(),
                                e.toString());
                        return;
                    }
                    LOG.warn("cache {}: rejected NAR upload {}: {}", responses.cache(), file.fileName(),
                            HttpErrors.answer(e).message());
                    responses.fail(request, e);
                });
    }

    private Future<SpooledBytes> receive(HttpServerRequest request, RequestFailure broken, NarSpool spool) {
        return SpoolWriteStream.open(responses.context(), spool.progress(), "SHA-256", spool.claim().maxBytes())
                .compose(writer -> writer.receive(request, broken)
                        .map(v -> new SpooledBytes(new NixHash(writer.digest()), writer.count())));
    }

    private <T> Future<T> future(CompletionStage<T> stage) {
        return responses.future(stage);
    }
}
