package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.port.SpoolProgress;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.RandomAccessFile;

/**
 * Blocking: reads a spool file while it is being written, never past what {@link SpoolProgress} says is written,
 * waiting for more until the writer finishes (end of stream) or abandons the file ({@link SpoolProgress.Abandoned}).
 * The bytes come from the page cache the writer just filled.
 */
final class FollowingInputStream extends InputStream {
    private final SpoolProgress progress;
    private final long stallMillis;
    // RandomAccessFile reads into the heap array directly; a FileChannel would go through a temporary direct buffer.
    private final RandomAccessFile file;
    private long position;
    private long available;

    FollowingInputStream(SpoolProgress progress, long stallMillis) throws IOException {
        this.progress = progress;
        this.stallMillis = stallMillis;
        this.file = new RandomAccessFile(progress.path().toFile(), "r");
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
        if (position >= available) {
            try {
                available = progress.awaitBeyond(position, stallMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while following " + progress.path());
            }
            if (available <= position) {
                return -1;
            }
        }
        int n = file.read(b, off, (int) Math.min(len, available - position));
        if (n < 0) {
            throw new IOException(progress.path() + " is shorter than the " + available + " bytes written to it");
        }
        position += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
