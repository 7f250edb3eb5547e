package dev.cacheserver.adapters.http;

import dev.cacheserver.domain.port.NarLocation;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays a {@link NarLocation.Streamed} NAR (S3 read through the server) into an HTTP response with
 * back-pressure: at most {@value #WINDOW} buffers are requested ahead, and none more while the response's
 * write queue is full, so a slow client slows the S3 read instead of filling memory. Every response call runs
 * on the request's context. A failure before the first byte is answered normally; after it, the connection
 * is closed (the client sees a short body and retries with Range).
 */
final class StreamedNarResponse implements Flow.Subscriber<ByteBuffer> {
    private static final Logger LOG = LoggerFactory.getLogger(StreamedNarResponse.class);
    static final int WINDOW = 16;

    private final Context context;
    private final HttpServerResponse response;
    private final Handler<Throwable> failBeforeBody;
    private Flow.Subscription subscription;
    private int outstanding;
    private boolean done;

    private StreamedNarResponse(Context context, HttpServerResponse response, Handler<Throwable> failBeforeBody) {
        this.context = context;
        this.response = response;
        this.failBeforeBody = failBeforeBody;
    }

    /** Sends {@code length} bytes from {@code offset}; the status and headers must be set already. */
    static void send(Context context, HttpServerResponse response, NarLocation.Streamed nar, long offset, long length,
                     Handler<Throwable> failBeforeBody) {
        response.headers().set("Content-Length", Long.toString(length));
        StreamedNarResponse relay = new StreamedNarResponse(context, response, failBeforeBody);
        response.closeHandler(v -> relay.cancel());
        nar.source().open(offset, length).subscribe(relay);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        context.runOnContext(v -> {
            subscription = s;
            if (done) {
                s.cancel();
                return;
            }
            requestMore();
        });
    }

    @Override
    public void onNext(ByteBuffer item) {
        byte[] bytes = new byte[item.remaining()];
        item.get(bytes);
        context.runOnContext(v -> {
            outstanding--;
            if (done) {
                return;
            }
            response.write(Buffer.buffer(bytes));
            if (response.writeQueueFull()) {
                response.drainHandler(drained -> requestMore());
            } else {
                requestMore();
            }
        });
    }

    @Override
    public void onError(Throwable failure) {
        context.runOnContext(v -> {
            if (done) {
                return;
            }
            done = true;
            if (!response.headWritten()) {
                // The error answer has a body of its own.
                response.headers().remove("Content-Length").remove("Content-Range").remove("Content-Type");
                failBeforeBody.handle(failure);
            } else {
                LOG.debug("relaying a NAR stream failed after the headers: {}", failure.toString());
                response.reset();
            }
        });
    }

    @Override
    public void onComplete() {
        context.runOnContext(v -> {
            if (!done) {
                done = true;
                response.end();
            }
        });
    }

    private void requestMore() {
        if (!done && subscription != null && outstanding < WINDOW) {
            long n = WINDOW - outstanding;
            outstanding = WINDOW;
            subscription.request(n);
        }
    }

    private void cancel() {
        context.runOnContext(v -> {
            done = true;
            if (subscription != null) {
                subscription.cancel();
            }
        });
    }
}
