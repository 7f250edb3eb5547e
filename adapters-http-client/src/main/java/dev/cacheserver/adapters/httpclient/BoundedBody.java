package dev.cacheserver.adapters.httpclient;

import dev.cacheserver.domain.narinfo.NarInfoText;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.util.function.Supplier;

/** Reads a small answer (a narinfo, nix-cache-info) whole, refusing one larger than a narinfo may be. */
final class BoundedBody {
    private BoundedBody() {
    }

    /** The body of {@code response}; fails with {@code tooLarge} past {@link NarInfoText#MAX_BYTES}. */
    static Future<Buffer> read(HttpClientResponse response, Supplier<? extends RuntimeException> tooLarge) {
        Promise<Buffer> promise = Promise.promise();
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (body.length() + chunk.length() > NarInfoText.MAX_BYTES) {
                response.handler(null);
                promise.tryFail(tooLarge.get());
            } else {
                body.appendBuffer(chunk);
            }
        });
        response.exceptionHandler(promise::tryFail);
        response.endHandler(v -> promise.tryComplete(body));
        return promise.future();
    }
}
