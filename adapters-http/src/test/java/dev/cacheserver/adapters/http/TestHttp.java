package dev.cacheserver.adapters.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

/** Small helpers for the HTTP adapter tests: a free port, and waiting for a response from the test thread. */
public final class TestHttp {
    private TestHttp() {
    }

    /** A port nothing listens on right now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    public static HttpResponse<Buffer> send(HttpRequest<Buffer> request) throws Exception {
        return await(request.send());
    }

    public static HttpResponse<Buffer> send(HttpRequest<Buffer> request, String body) throws Exception {
        return await(request.sendBuffer(Buffer.buffer(body)));
    }
}
