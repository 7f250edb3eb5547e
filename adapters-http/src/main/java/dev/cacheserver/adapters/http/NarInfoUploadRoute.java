package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.PublishNarInfo;
import dev.cacheserver.application.port.in.PublishNarInfo.PublishNarInfoCommand;
import dev.cacheserver.domain.error.PayloadTooLargeException;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfoText;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code PUT /<hash>.narinfo}: authorised and size-checked before the body is read (so a refusal is answered before
 * {@code 100 Continue}), then read into memory (a narinfo is small and bounded) and published.
 */
final class NarInfoUploadRoute {
    private static final Logger LOG = LoggerFactory.getLogger(NarInfoUploadRoute.class);

    private final PublishNarInfo publisher;
    private final CacheResponses responses;

    NarInfoUploadRoute(PublishNarInfo publisher, CacheResponses responses) {
        this.publisher = publisher;
        this.responses = responses;
    }

    void put(HttpServerRequest request, StorePathHash hash) {
        Caller caller = CacheResponses.caller(request);
        publisher.authorizeUpload(caller);
        if (DeclaredLength.of(request) > NarInfoText.MAX_BYTES) {
            throw new PayloadTooLargeException("a narinfo may have at most " + NarInfoText.MAX_BYTES + " bytes");
        }
        ExpectContinue.answer(request);
        BoundedBody.read(request, NarInfoText.MAX_BYTES)
                .compose(body -> responses.future(publisher.publish(
                        new PublishNarInfoCommand(caller, hash, body.toString(StandardCharsets.UTF_8)))))
                .onSuccess(info -> CacheResponses.ok(request))
                .onFailure(e -> {
                    if (!ClientGone.is(request, e)) {
                        LOG.warn("cache {}: rejected narinfo {}: {}", responses.cache(), hash,
                                HttpErrors.answer(e).message());
                    }
                    responses.fail(request, e);
                });
    }
}
