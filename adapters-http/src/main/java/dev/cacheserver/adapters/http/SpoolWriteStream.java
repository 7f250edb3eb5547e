package dev.cacheserver.adapters.http;

import dev.cacheserver.domain.error.PayloadTooLargeException;
import dev.cacheserver.domain.port.SpoolProgress;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.WriteStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Receives an upload body into a spool file. Buffers are copied into reused heap chunks ({@link SpoolChunks});
 * full chunks are digested (any JDK algorithm: SHA-256 for NARs, MD5 for Cachix parts) and written on a worker
 * thread, one batch at a time and in order, so the event loop only copies and a NAR costs a few dozen worker tasks
 * rather than one per network chunk. Every written step is reported to {@link #progress()}, so the content can be
 * digested while it grows.
 *
 * <p>Back-pressure: the queue is full past {@value #MAX_QUEUED_BYTES} bytes; the drain handler runs on the event
 * loop. {@link #end()} completes once everything is written and the file closed; {@link #abandon()} closes the file
 * after a failed transfer. More than {@code maxBytes} fails with {@link PayloadTooLargeException}. All methods run
 * on the stream's event loop.
 */
final class SpoolWriteStream implements WriteStream<Buffer> {
    static final int MAX_QUEUED_BYTES = 4 << 20;

    private final Context context;
    private final DigestedFile file;
    private final long maxBytes;
    private final SpoolProgress progress;
    private final Promise<Void> ended = Promise.promise();
    private final Promise<Void> closedPromise = Promise.promise();
    private final SpoolChunks chunks = new SpoolChunks(MAX_QUEUED_BYTES);
    private long received;
    private long written;
    private boolean writing;
    private boolean ending;
    private boolean closing;
    private Throwable failure;
    private byte[] result;
    private Handler<Void> drainHandler;
    private Handler<Throwable> exceptionHandler;

    private SpoolWriteStream(Context context, DigestedFile file, long maxBytes, SpoolProgress progress) {
        this.context = context;
        this.file = file;
        this.maxBytes = maxBytes;
        this.progress = progress;
    }

    /** Opens (truncates) {@code path} on a worker thread. */
    static Future<SpoolWriteStream> open(Context context, Path path, String algorithm, long maxBytes) {
        return open(context, new SpoolProgress(path), algorithm, maxBytes);
    }

    /** Opens (truncates) the file of {@code progress} on a worker thread; each written step is reported to it. */
    static Future<SpoolWriteStream> open(Context context, SpoolProgress progress, String algorithm, long maxBytes) {
        return context.executeBlocking(() -> DigestedFile.open(progress.path(), algorithm), false)
                .map(file -> new SpoolWriteStream(context, file, maxBytes, progress));
    }

    /**
     * Receives {@code request}'s body (answering {@code Expect: 100-continue} first) and ends the stream. A broken
     * body abandons the spool rather than ending it: nothing may take a truncated file as whole. {@code broken}
     * has watched the request since before it was paused.
     */
    Future<Void> receive(HttpServerRequest request, RequestFailure broken) {
        if (broken.failure() != null) {
            Throwable failure = broken.failure();
            return abandon().transform(ignored -> Future.failedFuture(failure));
        }
        ExpectContinue.answer(request);
        return request.pipe().endOnFailure(false).to(this)
                .recover(e -> abandon().transform(ignored -> Future.failedFuture(e)));
    }

    SpoolProgress progress() {
        return progress;
    }

    /** The digest of everything written; valid once {@link #end()} succeeded. */
    byte[] digest() {
        return result.clone();
    }

    /** How many bytes were written; final once {@link #end()} succeeded. */
    long count() {
        return written;
    }

    @Override
    public Future<Void> write(Buffer data) {
        if (failure != null) {
            return Future.failedFuture(failure);
        }
        if (ending) {
            return Future.failedFuture(new IllegalStateException("the spool stream has ended"));
        }
        int length = data.length();
        received += length;
        if (received > maxBytes) {
            PayloadTooLargeException tooLarge = new PayloadTooLargeException("the upload exceeds " + maxBytes + " bytes");
            fail(tooLarge);
            return Future.failedFuture(tooLarge);
        }
        chunks.add(data);
        if (!writing && chunks.hasReady()) {
            writeChunks();
        }
        return Future.succeededFuture();
    }

    private void writeChunks() {
        SpoolChunks.Chunk[] batch = chunks.takeReady();
        long bytes = SpoolChunks.length(batch);
        writing = true;
        context.<Void>executeBlocking(() -> {
            file.write(batch);
            return null;
        }, false).onComplete(ar -> {
            writing = false;
            chunks.written(batch);
            if (ar.failed()) {
                fail(ar.cause());
                return;
            }
            if (failure != null) {
                closeChannel();
                return;
            }
            written += bytes;
            progress.advance(written);
            if (chunks.hasReady()) {
                writeChunks();
            } else if (ending) {
                finish();
            }
            Handler<Void> drain = drainHandler;
            if (drain != null && chunks.queuedBytes() < MAX_QUEUED_BYTES / 2) {
                drainHandler = null;
                drain.handle(null);
            }
        });
    }

    @Override
    public Future<Void> end() {
        if (failure != null) {
            return Future.failedFuture(failure);
        }
        if (!ending) {
            ending = true;
            chunks.flush();
            if (!writing) {
                if (chunks.hasReady()) {
                    writeChunks();
                } else {
                    finish();
                }
            }
        }
        return ended.future();
    }

    private void finish() {
        closing = true;
        context.executeBlocking(file::finish, false).onComplete(ar -> {
            closedPromise.tryComplete();
            if (ar.failed()) {
                fail(ar.cause());
            } else {
                result = ar.result();
                progress.finish();
                ended.tryComplete();
            }
        });
    }

    /** Stops a failed transfer: later writes fail, the file is closed once no write runs, followers stop. */
    Future<Void> abandon() {
        fail(new IOException("the upload was abandoned"));
        return closedPromise.future();
    }

    private void fail(Throwable cause) {
        if (failure != null || result != null) {
            return;
        }
        failure = cause;
        chunks.clear();
        progress.abandon();
        ended.tryFail(cause);
        if (!writing) {
            closeChannel();
        }
        if (exceptionHandler != null) {
            exceptionHandler.handle(cause);
        }
    }

    private void closeChannel() {
        if (closing) {
            return;
        }
        closing = true;
        context.executeBlocking(() -> {
            file.close();
            return null;
        }, false).onComplete(ar -> closedPromise.tryComplete());
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        // The queue bound is fixed: it is what keeps a NAR upload's memory constant.
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return chunks.queuedBytes() >= MAX_QUEUED_BYTES;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        this.drainHandler = handler;
        if (handler != null && !writeQueueFull()) {
            this.drainHandler = null;
            context.runOnContext(v -> handler.handle(null));
        }
        return this;
    }
}
