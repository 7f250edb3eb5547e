package dev.cacheserver.adapters.http;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A spool file being written and the digest of what was written to it. Blocking: every method runs on a worker
 * thread, one at a time (the owning stream runs one batch after the other).
 */
final class DigestedFile {
    private final RandomAccessFile file;
    private final MessageDigest digest;

    private DigestedFile(RandomAccessFile file, MessageDigest digest) {
        this.file = file;
        this.digest = digest;
    }

    /** Opens and truncates {@code path}; {@code algorithm} is a JDK digest name (SHA-256, MD5). */
    static DigestedFile open(Path path, String algorithm) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw");
        try {
            file.setLength(0);
        } catch (IOException e) {
            file.close();
            throw e;
        }
        return new DigestedFile(file, digest);
    }

    void write(SpoolChunks.Chunk[] batch) throws IOException {
        // RandomAccessFile writes from the heap array; a FileChannel would copy it into a temporary direct
        // buffer cached per worker thread.
        for (SpoolChunks.Chunk chunk : batch) {
            digest.update(chunk.bytes(), 0, chunk.length());
            file.write(chunk.bytes(), 0, chunk.length());
        }
    }

    /** Closes the file; answers the digest of everything written. */
    byte[] finish() throws IOException {
        file.close();
        return digest.digest();
    }

    /** Closes the file of a failed transfer. */
    void close() throws IOException {
        file.close();
    }
}
