package dev.cacheserver.adapters.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.streams.WriteStream;

/** Writes to a download's spool file and tells the {@link SpoolingDownload} what is on disk, for its followers. */
final class SpoolWrites implements WriteStream<Buffer> {
    private final AsyncFile file;
    private final SpoolingDownload download;

    SpoolWrites(AsyncFile file, SpoolingDownload download) {
        this.file = file;
        this.download = download;
    }

    @Override
    public Future<Void> write(Buffer data) {
        long[] token = download.issue(data.length());
        return file.write(data).onSuccess(v -> download.completed(token));
    }

    @Override
    public Future<Void> end() {
        return file.end();
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        file.exceptionHandler(handler);
        return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        file.setWriteQueueMaxSize(maxSize);
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return file.writeQueueFull();
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        file.drainHandler(handler);
        return this;
    }
}
