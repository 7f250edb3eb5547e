package dev.cacheserver.adapters.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * Writes every buffer to two streams (a client response and a local copy): full while either is full, drained
 * when both are, so the slower side paces the source and nothing piles up in memory.
 */
final class TeeWriteStream implements WriteStream<Buffer> {
    private final WriteStream<Buffer> first;
    private final WriteStream<Buffer> second;
    private Handler<Void> drainHandler;

    TeeWriteStream(WriteStream<Buffer> first, WriteStream<Buffer> second) {
        this.first = first;
        this.second = second;
        first.drainHandler(v -> drainIfReady());
        second.drainHandler(v -> drainIfReady());
    }

    private void drainIfReady() {
        Handler<Void> handler = drainHandler;
        if (handler != null && !writeQueueFull()) {
            handler.handle(null);
        }
    }

    @Override
    public Future<Void> write(Buffer data) {
        return Future.all(first.write(data), second.write(data)).mapEmpty();
    }

    @Override
    public Future<Void> end() {
        return Future.all(first.end(), second.end()).mapEmpty();
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        first.exceptionHandler(handler);
        second.exceptionHandler(handler);
        return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        first.setWriteQueueMaxSize(maxSize);
        second.setWriteQueueMaxSize(maxSize);
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return first.writeQueueFull() || second.writeQueueFull();
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        this.drainHandler = handler;
        return this;
    }
}
