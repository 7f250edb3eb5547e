package dev.cacheserver.adapters.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * A blocking {@link InputStream} over a {@link Flow.Publisher} of byte buffers, for code that reads streams
 * (decompressors) on a worker thread. At most {@value #WINDOW} buffers are requested ahead, so memory stays
 * bounded whatever the size of the stream. A read that waits longer than the timeout fails.
 */
final class PublisherInputStream extends InputStream implements Flow.Subscriber<ByteBuffer> {
    static final int WINDOW = 16;
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(WINDOW + 2);
    private final long timeoutMillis;
    private volatile Flow.Subscription subscription;
    private ByteBuffer current;
    private boolean ended;
    private int consumed;

    PublisherInputStream(Flow.Publisher<ByteBuffer> publisher, long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
        publisher.subscribe(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(WINDOW);
    }

    @Override
    public void onNext(ByteBuffer item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
        queue.add(throwable);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (current == null || !current.hasRemaining()) {
            if (ended) {
                return -1;
            }
            next();
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    private void next() throws IOException {
        Object item;
        try {
            item = queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading a NAR stream");
        }
        if (item == null) {
            throw new IOException("no data for " + timeoutMillis + " ms while reading a NAR stream");
        }
        if (item == END) {
            ended = true;
            current = null;
        } else if (item instanceof Throwable t) {
            ended = true;
            throw new IOException("reading a NAR stream failed: " + t.getMessage(), t);
        } else {
            current = (ByteBuffer) item;
            // Ask for more only as buffers are used up, half a window at a time.
            if (++consumed == WINDOW / 2) {
                consumed = 0;
                subscription.request(WINDOW / 2);
            }
        }
    }

    @Override
    public void close() {
        Flow.Subscription s = subscription;
        if (s != null && !ended) {
            s.cancel();
        }
        ended = true;
    }
}
