package dev.cacheserver.adapters.http;

import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerRequest;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;

/** A request whose client went away (reset, closed mid-body): nobody to answer, and not a server error. */
public final class ClientGone {
    private ClientGone() {
    }

    public static boolean is(HttpServerRequest request, Throwable failure) {
        Throwable e = HttpErrors.unwrap(failure);
        return request.response().closed() || e instanceof HttpClosedException || e instanceof SocketException
                || e instanceof ClosedChannelException
                // A reset seen by the native transport ("Connection reset by peer"), before the close is.
                || e.getClass().getName().endsWith("NativeIoException");
    }
}
