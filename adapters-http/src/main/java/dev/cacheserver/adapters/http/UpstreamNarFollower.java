package dev.cacheserver.adapters.http;

import dev.cacheserver.domain.error.UpstreamFailedException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * Serves a request for a NAR that another request is pulling from an upstream, while it is pulled: reads the growing
 * spool file from its start, waits for more when it has caught up, and sends the last byte only once the NAR is
 * verified and published, so a client never receives a whole NAR that then turned out wrong. If the download fails,
 * the response is cut (Nix retries), or answered 502 when nothing was sent yet. Never buffers more than a chunk.
 */
final class UpstreamNarFollower {
    private static final int CHUNK = 64 * 1024;
    private static final CharSequence NAR_TYPE = HttpHeaders.createOptimized("application/x-nix-nar");

    private final Context context;
    private final SpoolingDownload download;
    private final HttpServerResponse response;
    private final long size;
    private final Promise<Boolean> outcome = Promise.promise();
    private AsyncFile spool;
    private long position;
    private boolean gone;

    private UpstreamNarFollower(Context context, SpoolingDownload download, HttpServerResponse response, long size) {
        this.context = context;
        this.download = download;
        this.response = response;
        this.size = size;
    }

    /**
     * Completes true once {@code response} was answered, false when the NAR is already stored here (serve it from
     * storage), and fails with UpstreamFailedException when the download failed before a byte was sent.
     */
    static Future<Boolean> follow(Context context, SpoolingDownload download, HttpServerResponse response, long size) {
        return new UpstreamNarFollower(context, download, response, size).start();
    }

    private Future<Boolean> start() {
        Future.fromCompletionStage(download.spool(), context).onComplete(path -> {
            if (path.failed()) {
                afterEnd();
                return;
            }
            open(path.result());
        });
        return outcome.future();
    }

    /** The download ended before this request could follow it: storage has the NAR, or nothing does. */
    private void afterEnd() {
        Future.fromCompletionStage(download.done(), context).onComplete(done -> {
            if (done.succeeded()) {
                outcome.tryComplete(false);
            } else {
                outcome.tryFail(failure());
            }
        });
    }

    private void open(Path path) {
        context.owner().fileSystem().open(path.toString(), new OpenOptions().setRead(true).setWrite(false))
                .onComplete(opened -> {
                    if (opened.failed()) {
                        // Published and moved away, or deleted after a failure, before it could be opened.
                        afterEnd();
                        return;
                    }
                    spool = opened.result();
                    response.setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, NAR_TYPE)
                            .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(size));
                    response.closeHandler(v -> {
                        gone = true;
                        finish(true);
                    });
                    pump();
                });
    }

    private void pump() {
        if (gone) {
            finish(true);
            return;
        }
        CompletableFuture<Void> moved = download.progress();
        boolean published = download.done().isDone() && !download.done().isCompletedExceptionally();
        if (download.done().isCompletedExceptionally()) {
            cut();
            return;
        }
        if (position >= size) {
            response.end().onComplete(v -> finish(true));
            return;
        }
        long readable = published ? size : Math.min(download.written(), size - 1);
        if (position >= readable) {
            Future.fromCompletionStage(moved, context).onComplete(v -> pump());
            return;
        }
        int length = (int) Math.min(CHUNK, readable - position);
        spool.read(Buffer.buffer(length), 0, position, length).onComplete(read -> {
            if (read.failed() || read.result().length() == 0) {
                cut();
                return;
            }
            position += read.result().length();
            response.write(read.result());
            if (response.writeQueueFull()) {
                response.drainHandler(v -> pump());
            } else {
                pump();
            }
        });
    }

    /** The download failed: nothing sent yet is answered 502 by the caller, a started response is cut. */
    private void cut() {
        if (position == 0 && !response.headWritten()) {
            finish(false);
            return;
        }
        response.reset();
        finish(true);
    }

    private void finish(boolean answered) {
        if (spool != null) {
            spool.close();
        }
        if (answered) {
            outcome.tryComplete(true);
        } else {
            outcome.tryFail(failure());
        }
    }

    private UpstreamFailedException failure() {
        return new UpstreamFailedException("downloading this NAR from the upstream failed; retry", false);
    }
}
