package dev.cacheserver.adapters.http;

import io.vertx.core.http.HttpServerRequest;

/**
 * Remembers how a request broke (reset, truncated or malformed body, closed connection) while it waited paused for
 * a spool file: Vert.x tells only the exception handler set at that moment, so a body piped afterwards would wait
 * forever, and its spool file and descriptor with it.
 */
final class RequestFailure {
    private Throwable failure;

    private RequestFailure() {
    }

    /** Starts watching {@code request}; call before pausing it. */
    static RequestFailure watch(HttpServerRequest request) {
        RequestFailure watch = new RequestFailure();
        request.exceptionHandler(e -> {
            if (watch.failure == null) {
                watch.failure = e;
            }
        });
        return watch;
    }

    /** The failure seen so far, or null. */
    Throwable failure() {
        return failure;
    }
}
