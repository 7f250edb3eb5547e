package dev.cacheserver.adapters.http;

import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerRequest;

/** A request whose client went away (reset, closed mid-body): nobody to answer, and not a server error. */
public final class ClientGone {
    private ClientGone() {
    }

    public static boolean is(HttpServerRequest request, Throwable failure) {
        return request.response().closed() || HttpErrors.unwrap(failure) instanceof HttpClosedException;
    }
}
