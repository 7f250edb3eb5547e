package dev.cacheserver.adapters.http;

import dev.cacheserver.domain.error.PayloadTooLargeException;
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
 * A write stream that digests and counts every buffer on its way to the delegate, in one pass and without holding
 * the body: a NAR relayed from a peer goes to the client and a spool at once (uploads go through
 * {@link SpoolWriteStream}). Fails with PayloadTooLargeException past {@code maxBytes}.
 */
final class DigestingWriteStream implements WriteStream<Buffer> {
    private final WriteStream<Buffer> delegate;
    private final MessageDigest digest;
    private final long maxBytes;
    private long count;

    DigestingWriteStream(WriteStream<Buffer> delegate, String algorithm, long maxBytes) {
        this.delegate = delegate;
        this.maxBytes = maxBytes;
        try {
            this.digest = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256, as NAR uploads are named: hashed while written, in one pass. */
    static DigestingWriteStream sha256(WriteStream<Buffer> delegate, long maxBytes) {
        return new DigestingWriteStream(delegate, "SHA-256", maxBytes);
    }

    byte[] digest() {
        return digest.digest();
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
        if (data instanceof BufferInternal internal) {
            // Digest Netty's memory in place rather than copying each chunk with getBytes().
            ByteBuf buf = internal.getByteBuf();
            for (ByteBuffer nio : buf.nioBuffers()) {
                digest.update(nio);
            }
        } else {
            digest.update(data.getBytes());
        }
        return delegate.write(data);
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
