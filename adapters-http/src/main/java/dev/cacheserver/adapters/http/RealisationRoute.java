package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.LookUpRealisation.LookUpRealisationCommand;
import dev.cacheserver.application.port.in.PublishRealisation.PublishRealisationCommand;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.PayloadTooLargeException;
import dev.cacheserver.domain.model.DrvOutputId;
import dev.cacheserver.domain.narinfo.Realisation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code /realisations/<drv hash>!<output>.doi}: small JSON documents, validated here (400), bounded (413), published
 * by PUT and served by GET/HEAD. Runs on the event loop.
 */
final class RealisationRoute {
    static final String PREFIX = "/realisations/";
    private static final String SUFFIX = ".doi";
    private static final CharSequence JSON_TYPE = HttpHeaders.createOptimized("application/json");

    private final ProtocolFiles files;
    private final CacheResponses responses;

    RealisationRoute(ProtocolFiles files, CacheResponses responses) {
        this.files = files;
        this.responses = responses;
    }

    /** {@code rawName}: the path after {@link #PREFIX}. */
    void handle(HttpServerRequest request, String rawName) {
        String name = percentDecoded(rawName);
        if (!name.endsWith(SUFFIX)) {
            throw new InvalidInputException("a realisation is named <drv hash>!<output>.doi");
        }
        DrvOutputId id = DrvOutputId.parse(name.substring(0, name.length() - SUFFIX.length()));
        HttpMethod method = request.method();
        Caller caller = CacheResponses.caller(request);
        if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            responses.future(files.lookUpRealisation().lookUp(new LookUpRealisationCommand(caller, id)))
                    .onComplete(found -> {
                        if (found.failed()) {
                            responses.fail(request, found.cause());
                        } else if (found.result().isEmpty()) {
                            CacheResponses.text(request, 404,
                                    "no such realisation in cache " + responses.cache() + "\n");
                        } else {
                            CacheResponses.send(request, 200, JSON_TYPE, Buffer.buffer(found.result().get().toJson()));
                        }
                    });
        } else if (method == HttpMethod.PUT) {
            files.publishRealisation().authorizeUpload(caller);
            if (DeclaredLength.of(request) > Realisation.MAX_JSON_BYTES) {
                throw new PayloadTooLargeException("a realisation may have at most " + Realisation.MAX_JSON_BYTES
                        + " bytes");
            }
            ExpectContinue.answer(request);
            BoundedBody.read(request, Realisation.MAX_JSON_BYTES)
                    .compose(body -> responses.future(files.publishRealisation().publish(
                            new PublishRealisationCommand(caller, id, RealisationJson.parse(body)))))
                    .onSuccess(saved -> CacheResponses.text(request, 200, ""))
                    .onFailure(e -> responses.fail(request, e));
        } else {
            CacheResponses.methodNotAllowed(request, "GET, HEAD, PUT");
        }
    }

    /** Nix sends {@code :} and {@code !} as they are; other clients may escape them. */
    static String percentDecoded(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        return raw.replace("%21", "!").replace("%3A", ":").replace("%3a", ":");
    }
}
