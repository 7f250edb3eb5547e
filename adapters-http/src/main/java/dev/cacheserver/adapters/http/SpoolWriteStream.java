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
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;

/**
 * Receives an upload body into a spool file. Buffers are copied into reused heap chunks; full chunks are
 * digested (any JDK algorithm: SHA-256 for NARs, MD5 for Cachix parts) and written on a worker thread, one batch at
 * a time and in order, so the event loop only copies and a NAR costs a few dozen worker tasks rather than one per
 * network chunk. Every written step is reported to {@link #progress()}, so the content can be digested
 * while it grows.
 *
 * <p>Back-pressure: the queue is full past {@value #MAX_QUEUED_BYTES} bytes; the drain handler runs on the event
 * loop. {@link #end()} completes once everything is written and the file closed; {@link #abandon()} closes the file
 * after a failed transfer. More than {@code maxBytes} fails with {@link PayloadTooLargeException}. All methods run
 * on the stream's event loop.
 */
final class SpoolWriteStream implements WriteStream<Buffer> {
    // Below G1's humongous threshold (half a region; regions are 1 MiB under a 256 MiB heap), so chunks are
    // ordinary young objects, and each stream reuses its own: a large NAR allocates 4 MiB, not its size.
    private static final int CHUNK_BYTES = 256 * 1024;
    static final int MAX_QUEUED_BYTES = 4 << 20;
    private static final int MAX_SPARE_CHUNKS = MAX_QUEUED_BYTES / CHUNK_BYTES;

    private final Context context;
    private final RandomAccessFile file;
    private final MessageDigest digest;
    private final long maxBytes;
    private final SpoolProgress progress;
    private final Promise<Void> ended = Promise.promise();
    private final Promise<Void> closedPromise = Promise.promise();
    /** Full chunks waiting for the worker; the one being filled is {@link #filling}. */
    private final ArrayDeque<Chunk> ready = new ArrayDeque<>();
    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
    private byte[] filling;
    private int filled;
    private long queuedBytes;
    private long received;
    private long written;
    private boolean writing;
    private boolean ending;
    private boolean closing;
    private Throwable failure;
    private byte[] result;
    private Handler<Void> drainHandler;
    private Handler<Throwable> exceptionHandler;

    private record Chunk(byte[] bytes, int length) {
    }

    private SpoolWriteStream(Context context, RandomAccessFile file, MessageDigest digest, long maxBytes,
                             SpoolProgress progress) {
        this.context = context;
        this.file = file;
        this.digest = digest;
        this.maxBytes = maxBytes;
        this.progress = progress;
    }

    /** Opens (truncates) {@code path} on a worker thread. */
    static Future<SpoolWriteStream> open(Context context, Path path, String algorithm, long maxBytes) {
        return open(context, new SpoolProgress(path), algorithm, maxBytes);
    }

    /** Opens (truncates) the file of {@code progress} on a worker thread; each written step is reported to it. */
    static Future<SpoolWriteStream> open(Context context, SpoolProgress progress, String algorithm, long maxBytes) {
        Path path = progress.path();
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            return Future.failedFuture(new IllegalStateException(e));
        }
        return context.executeBlocking(() -> {
            RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw");
            try {
                file.setLength(0);
            } catch (IOException e) {
                file.close();
                throw e;
            }
            return file;
        }, false).map(file -> new SpoolWriteStream(context, file, digest, maxBytes, progress));
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
        // Copied at once into heap chunks: the network's buffers are pooled direct memory, which a queue of
        // them would pin.
        queuedBytes += length;
        int copied = 0;
        while (copied < length) {
            if (filling == null) {
                filling = spare.isEmpty() ? new byte[CHUNK_BYTES] : spare.poll();
                filled = 0;
            }
            int n = Math.min(length - copied, CHUNK_BYTES - filled);
            data.getBytes(copied, copied + n, filling, filled);
            filled += n;
            copied += n;
            if (filled == CHUNK_BYTES) {
                ready.add(new Chunk(filling, filled));
                filling = null;
            }
        }
        if (!writing && !ready.isEmpty()) {
            writeChunks();
        }
        return Future.succeededFuture();
    }

    private void writeChunks() {
        Chunk[] chunks = ready.toArray(new Chunk[0]);
        ready.clear();
        long bytes = 0;
        for (Chunk chunk : chunks) {
            bytes += chunk.length();
        }
        long batch = bytes;
        writing = true;
        context.<Void>executeBlocking(() -> {
            // RandomAccessFile writes from the heap array; a FileChannel would copy it into a temporary direct
            // buffer cached per worker thread.
            for (Chunk chunk : chunks) {
                digest.update(chunk.bytes(), 0, chunk.length());
                file.write(chunk.bytes(), 0, chunk.length());
            }
            return null;
        }, false).onComplete(ar -> {
            writing = false;
            queuedBytes -= batch;
            for (Chunk chunk : chunks) {
                if (spare.size() < MAX_SPARE_CHUNKS && chunk.bytes().length == CHUNK_BYTES) {
                    spare.add(chunk.bytes());
                }
            }
            if (ar.failed()) {
                fail(ar.cause());
                return;
            }
            if (failure != null) {
                closeChannel();
                return;
            }
            written += batch;
            progress.advance(written);
            if (!ready.isEmpty()) {
                writeChunks();
            } else if (ending) {
                finish();
            }
            Handler<Void> drain = drainHandler;
            if (drain != null && queuedBytes < MAX_QUEUED_BYTES / 2) {
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
            if (filling != null && filled > 0) {
                ready.add(new Chunk(filling, filled));
            }
            filling = null;
            if (!writing) {
                if (!ready.isEmpty()) {
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
        context.<byte[]>executeBlocking(() -> {
            file.close();
            return digest.digest();
        }, false).onComplete(ar -> {
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
        ready.clear();
        filling = null;
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
        return queuedBytes >= MAX_QUEUED_BYTES;
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
