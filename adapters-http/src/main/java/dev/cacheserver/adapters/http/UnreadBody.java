package dev.cacheserver.adapters.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * A request answered before its body was read (401, 413, ...): the connection cannot carry another request, so the
 * answer says {@code Connection: close}, and the rest of the body is read and dropped until it ends or for at most
 * {@value #LINGER_MILLIS} ms (nginx's lingering close), then the connection closes. Closing at once with unread
 * bytes would reset it, and the client might never see the answer.
 */
public final class UnreadBody {
    static final long LINGER_MILLIS = 2000;

    private UnreadBody() {
    }

    /** Call before the answer is written; nothing happens when there is no body or it was read. */
    public static void closeAfterAnswer(HttpServerRequest request) {
        if (request.isEnded() || !hasBody(request)) {
            return;
        }
        request.response().putHeader(HttpHeaders.CONNECTION, "close");
        request.response().endHandler(v -> linger(request));
    }

    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null || (length != null && !length.strip().equals("0"));
    }

    private static void linger(HttpServerRequest request) {
        Vertx vertx = Vertx.currentContext() == null ? null : Vertx.currentContext().owner();
        if (request.isEnded() || vertx == null) {
            request.connection().close();
            return;
        }
        long timer = vertx.setTimer(LINGER_MILLIS, id -> request.connection().close());
        request.exceptionHandler(e -> vertx.cancelTimer(timer));
        request.handler(chunk -> { });
        request.endHandler(v -> {
            vertx.cancelTimer(timer);
            request.connection().close();
        });
        request.resume();
    }
}
