package dev.cacheserver.adapters.storage;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.cacheserver.domain.error.HashMismatchException;
import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.port.NarContentHasher.NarDigest;
import dev.cacheserver.domain.port.SpoolProgress;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Blocking: the SHA-256 and length of a NAR file's decompressed content, streamed with a fixed buffer.
 * Data that does not decompress is a {@link HashMismatchException} (a client error, its message is safe to
 * show); failing to read the file itself is a {@link StorageException}.
 */
final class NarStreamDigest {
    static final int BUFFER_SIZE = 256 * 1024;
    // Guards against xz headers that ask for a huge dictionary; xz -9 needs 65 MiB.
    static final int XZ_MEMORY_LIMIT_KIB = 256 * 1024;
    // The decompressors read in small pieces (bzip2 byte by byte); this keeps system calls few.
    private static final int INPUT_BUFFER_SIZE = 64 * 1024;
    private static final int MAX_REASON_LENGTH = 120;

    private NarStreamDigest() {
    }

    static NarDigest of(Path path, Compression compression) {
        try (InputStream file = Files.newInputStream(path)) {
            return digest(new SourceStream(file), compression);
        } catch (IOException e) {
            throw new StorageException("cannot read NAR file " + path + ": " + e, e);
        }
    }

    /** The same over any stream (a NAR read from S3 or a URL); {@code what} names it in errors. */
    static NarDigest of(InputStream stream, String what, Compression compression) {
        try (InputStream in = stream) {
            return digest(new SourceStream(in), compression);
        } catch (IOException e) {
            throw new StorageException("cannot read NAR " + what + ": " + e, e);
        }
    }

    private static NarDigest digest(SourceStream source, Compression compression) {
        MessageDigest sha256 = sha256();
        byte[] buffer = new byte[BUFFER_SIZE];
        long size = 0;
        try (InputStream in = decompressing(source, compression)) {
            for (int n; (n = in.read(buffer)) != -1; ) {
                sha256.update(buffer, 0, n);
                size += n;
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof SpoolProgress.Abandoned abandoned) {
                // The upload stopped under a follower: nothing is known about the data yet.
                throw abandoned;
            }
            if (StorageFailures.hasCause(e, SpoolProgress.Abandoned.class)) {
                throw new SpoolProgress.Abandoned(e.getMessage());
            }
            if (StorageFailures.hasCause(e, SourceReadException.class)) {
                throw new StorageException("cannot read NAR file: " + e, e);
            }
            // Decoders also throw runtime exceptions on some malformed input; it is still bad data.
            throw notValid(compression, reason(e), e);
        }
        // zstd reads an empty file as zero frames without complaint; no compressed NAR is empty.
        if (compression != Compression.NONE && source.bytesRead() == 0) {
            throw notValid(compression, "empty file", null);
        }
        return new NarDigest(NixHash.of(sha256), size);
    }

    private static InputStream decompressing(SourceStream source, Compression compression) throws IOException {
        return switch (compression) {
            case NONE -> source;
            case ZSTD -> new ZstdInputStreamNoFinalizer(buffered(source));
            case XZ -> new XZInputStream(buffered(source), XZ_MEMORY_LIMIT_KIB);
            // Concatenated streams, as pbzip2 writes them, are one valid file.
            case BZIP2 -> new BZip2CompressorInputStream(buffered(source), true);
        };
    }

    private static InputStream buffered(SourceStream source) {
        return new BufferedInputStream(source, INPUT_BUFFER_SIZE);
    }

    private static HashMismatchException notValid(Compression compression, String reason, Throwable cause) {
        return new HashMismatchException("NAR file is not valid " + compression.narInfoName() + " data: " + reason,
                cause);
    }

    private static String reason(Throwable e) {
        if (e instanceof EOFException) {
            return "unexpected end of data (truncated?)";
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return message.length() > MAX_REASON_LENGTH ? message.substring(0, MAX_REASON_LENGTH) + "..." : message;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Marks read failures of the file itself, so they are not mistaken for bad compressed data. */
    private static final class SourceReadException extends IOException {
        SourceReadException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final class SourceStream extends FilterInputStream {
        private long bytesRead;

        SourceStream(InputStream in) {
            super(in);
        }

        long bytesRead() {
            return bytesRead;
        }

        @Override
        public int read() throws IOException {
            try {
                int b = super.read();
                if (b >= 0) {
                    bytesRead++;
                }
                return b;
            } catch (IOException e) {
                throw new SourceReadException(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = super.read(b, off, len);
                if (n > 0) {
                    bytesRead += n;
                }
                return n;
            } catch (IOException e) {
                throw new SourceReadException(e);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                long skipped = super.skip(n);
                bytesRead += Math.max(0, skipped);
                return skipped;
            } catch (IOException e) {
                throw new SourceReadException(e);
            }
        }

        @Override
        public int available() throws IOException {
            try {
                return super.available();
            } catch (IOException e) {
                throw new SourceReadException(e);
            }
        }
    }
}
