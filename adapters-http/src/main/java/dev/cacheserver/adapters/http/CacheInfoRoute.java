package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.GetCacheInfo;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code GET}/{@code HEAD /nix-cache-info}, and the uploads whose content this cache does not keep: {@code PUT
 * /nix-cache-info} ({@code nix copy} sends it) and NAR listings where they are not kept. Those are authorised,
 * read (bounded) and dropped.
 */
final class CacheInfoRoute {
    static final CharSequence CACHE_INFO_TYPE = HttpHeaders.createOptimized("text/x-nix-cache-info");
    private static final int SMALL_BODY_LIMIT = 64 * 1024;

    private final GetCacheInfo cacheInfo;
    private final CacheResponses responses;

    CacheInfoRoute(GetCacheInfo cacheInfo, CacheResponses responses) {
        this.cacheInfo = cacheInfo;
        this.responses = responses;
    }

    void get(HttpServerRequest request) {
        String text = cacheInfo.nixCacheInfo(CacheResponses.caller(request));
        CacheResponses.send(request, 200, CACHE_INFO_TYPE, Buffer.buffer(text));
    }

    /** Authorised, read, and dropped. */
    void acceptAndIgnore(HttpServerRequest request) {
        cacheInfo.authorizeUpload(CacheResponses.caller(request));
        ExpectContinue.answer(request);
        BoundedBody.read(request, SMALL_BODY_LIMIT)
                .onSuccess(body -> CacheResponses.ok(request))
                .onFailure(e -> responses.fail(request, e));
    }
}
