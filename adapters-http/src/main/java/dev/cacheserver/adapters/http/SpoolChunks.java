package dev.cacheserver.adapters.http;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;

/**
 * The bytes of an upload between the network and the spool file: copied at once into reused heap chunks (the
 * network's buffers are pooled direct memory, which a queue of them would pin), full chunks queued for the worker
 * in order, and counted until written so that the stream can push back. Confined to the stream's event loop.
 */
final class SpoolChunks {
    // Below G1's humongous threshold (half a region; regions are 1 MiB under a 256 MiB heap), so chunks are
    // ordinary young objects, and each stream reuses its own: a large NAR allocates 4 MiB, not its size.
    private static final int CHUNK_BYTES = 256 * 1024;
    private final int maxSpare;
    /** Full chunks waiting for the worker; the one being filled is {@link #filling}. */
    private final ArrayDeque<Chunk> ready = new ArrayDeque<>();
    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
    private byte[] filling;
    private int filled;
    private long queuedBytes;

    record Chunk(byte[] bytes, int length) {
    }

    /** Keeps at most {@code maxQueuedBytes / CHUNK_BYTES} chunks for reuse. */
    SpoolChunks(int maxQueuedBytes) {
        this.maxSpare = maxQueuedBytes / CHUNK_BYTES;
    }

    /** Copies {@code data}; it counts as queued until {@link #written} says so. */
    void add(Buffer data) {
        int length = data.length();
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
    }

    /** Queues the partly filled chunk too: nothing more will come. */
    void flush() {
        if (filling != null && filled > 0) {
            ready.add(new Chunk(filling, filled));
        }
        filling = null;
    }

    boolean hasReady() {
        return !ready.isEmpty();
    }

    /** Every queued chunk, in order, for one batch of the worker. */
    Chunk[] takeReady() {
        Chunk[] chunks = ready.toArray(new Chunk[0]);
        ready.clear();
        return chunks;
    }

    /** The worker is done with {@code chunks} (written or not): their bytes no longer count, the arrays are reused. */
    void written(Chunk[] chunks) {
        for (Chunk chunk : chunks) {
            queuedBytes -= chunk.length();
            if (spare.size() < maxSpare && chunk.bytes().length == CHUNK_BYTES) {
                spare.add(chunk.bytes());
            }
        }
    }

    /** Drops what is not written yet (a failed transfer). */
    void clear() {
        ready.clear();
        filling = null;
    }

    long queuedBytes() {
        return queuedBytes;
    }

    static long length(Chunk[] chunks) {
        long bytes = 0;
        for (Chunk chunk : chunks) {
            bytes += chunk.length();
        }
        return bytes;
    }
}
