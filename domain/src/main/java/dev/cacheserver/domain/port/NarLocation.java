package dev.cacheserver.domain.port;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.Flow;

/**
 * Where a stored NAR can be read from: a local file (served zero-copy), a URL to redirect the client to
 * (a presigned S3 GET), or a byte stream the server relays (S3 read through the server).
 */
public sealed interface NarLocation {
    long size();

    record LocalFile(Path path, long size) implements NarLocation {
    }

    record Redirect(URI uri, long size) implements NarLocation {
    }

    /** A NAR read remotely and relayed by the server; {@code source} opens any byte range of it. */
    record Streamed(long size, RangedSource source) implements NarLocation {
    }

    /**
     * Opens {@code length} bytes from {@code offset} as a publisher that honours the subscriber's demand, so a
     * slow client slows the read instead of filling memory. Each call is a new read; a publisher takes one
     * subscriber. Failures (the NAR vanished, the backend is down) arrive through {@code onError}.
     */
    @FunctionalInterface
    interface RangedSource {
        Flow.Publisher<ByteBuffer> open(long offset, long length);
    }
}
