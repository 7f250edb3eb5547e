package dev.cacheserver.adapters.http;

import dev.cacheserver.domain.error.PayloadTooLargeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/** Reads a small request body (narinfo, JSON) into memory, failing with 413 past {@code maxBytes}. */
final class BoundedBody {
    private BoundedBody() {
    }

    static Future<Buffer> read(HttpServerRequest request, int maxBytes) {
        Promise<Buffer> promise = Promise.promise();
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (body.length() + chunk.length() > maxBytes) {
                request.handler(null);
                promise.tryFail(new PayloadTooLargeException("the body exceeds " + maxBytes + " bytes"));
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.exceptionHandler(promise::tryFail);
        request.endHandler(v -> promise.tryComplete(body));
        request.resume();
        return promise.future();
    }
}
