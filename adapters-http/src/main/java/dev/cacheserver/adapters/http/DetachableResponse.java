package dev.cacheserver.adapters.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.WriteStream;

/**
 * A client response that stops mattering when the client goes away: writes after a failure or a closed
 * connection succeed without effect, so a download teed to the client and to storage goes on into storage
 * (requests waiting for the same NAR still get it) instead of being aborted with the client.
 */
final class DetachableResponse implements WriteStream<Buffer> {
    private final HttpServerResponse response;
    private boolean detached;
    private Handler<Void> drainHandler;

    DetachableResponse(HttpServerResponse response) {
        this.response = response;
        response.closeHandler(v -> detach());
    }

    private void detach() {
        if (!detached) {
            detached = true;
            Handler<Void> handler = drainHandler;
            if (handler != null) {
                handler.handle(null);
            }
        }
    }

    @Override
    public Future<Void> write(Buffer data) {
        if (detached) {
            return Future.succeededFuture();
        }
        return response.write(data).recover(e -> {
            detach();
            return Future.succeededFuture();
        });
    }

    @Override
    public Future<Void> end() {
        return detached ? Future.succeededFuture() : response.end().recover(e -> Future.succeededFuture());
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        response.setWriteQueueMaxSize(maxSize);
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return !detached && response.writeQueueFull();
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        this.drainHandler = handler;
        response.drainHandler(v -> {
            Handler<Void> current = drainHandler;
            if (current != null) {
                current.handle(null);
            }
        });
        return this;
    }
}
