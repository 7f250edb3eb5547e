package dev.cacheserver.adapters.httpclient;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A Vert.x HTTP server on a free loopback port whose answers a test scripts. */
final class StubServer implements AutoCloseable {
    private final HttpServer server;

    StubServer(Vertx vertx, Consumer<HttpServerRequest> handler) throws Exception {
        this.server = vertx.createHttpServer().requestHandler(handler::accept).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.actualPort());
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Reads a response the client handed over paused, as a relay's pipe would. */
    static java.util.concurrent.CompletionStage<io.vertx.core.buffer.Buffer> resumedBody(
            io.vertx.core.http.HttpClientResponse response) {
        var body = response.body();
        response.resume();
        return body.toCompletionStage();
    }

    static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    static Throwable failureOf(java.util.concurrent.CompletionStage<?> stage) throws Exception {
        try {
            await(stage);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }
}
