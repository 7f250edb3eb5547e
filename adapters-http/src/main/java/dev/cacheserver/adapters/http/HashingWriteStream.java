package dev.cacheserver.adapters.http;

import dev.cacheserver.domain.error.PayloadTooLargeException;
import dev.cacheserver.domain.model.NixHash;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.streams.WriteStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A write stream that hashes (SHA-256) and counts every buffer on its way to the delegate, so an upload is
 * hashed while it is written, in one pass, without holding it in memory. Fails with
 * PayloadTooLargeException once more than {@code maxBytes} arrive.
 */
final class HashingWriteStream implements WriteStream<Buffer> {
    private final WriteStream<Buffer> delegate;
    private final MessageDigest sha256;
    private final long maxBytes;
    private long count;

    HashingWriteStream(WriteStream<Buffer> delegate, long maxBytes) {
        this.delegate = delegate;
        this.maxBytes = maxBytes;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    NixHash hash() {
        return NixHash.of(sha256);
    }

    long count() {
        return count;
    }

    @Override
    public Future<Void> write(Buffer data) {
        count += data.length();
        if (count > maxBytes) {
            return Future.failedFuture(new PayloadTooLargeException("the upload exceeds " + maxBytes + " bytes"));
        }
        update(data);
        return delegate.write(data);
    }

    private void update(Buffer data) {
        // Hash Netty's memory in place: Buffer.getBytes() would copy every chunk once more.
        if (data instanceof BufferInternal internal) {
            ByteBuf buf = internal.getByteBuf();
            for (ByteBuffer nio : buf.nioBuffers()) {
                sha256.update(nio);
            }
        } else {
            sha256.update(data.getBytes());
        }
    }

    @Override
    public Future<Void> end() {
        return delegate.end();
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        delegate.exceptionHandler(handler);
        return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        delegate.setWriteQueueMaxSize(maxSize);
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return delegate.writeQueueFull();
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        delegate.drainHandler(handler);
        return this;
    }
}
