package dev.cacheserver.domain.port.inmemory;

import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.port.NarContentHasher;
import dev.cacheserver.domain.port.NarLocation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link NarContentHasher} for fast unit tests: hashes uncompressed ({@link Compression#NONE}) local
 * files on the calling thread. Any other compression or a redirect fails with
 * {@link UnsupportedOperationException}, so a test that needs real decompression notices at once.
 */
public final class PlainNarContentHasher implements NarContentHasher {
    private static final int BUFFER_SIZE = 64 * 1024;

    @Override
    public CompletionStage<NarDigest> digest(NarLocation location, Compression compression) {
        if (compression != Compression.NONE || !(location instanceof NarLocation.LocalFile local)) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException(
                    "PlainNarContentHasher hashes only uncompressed local files, not " + compression + " " + location));
        }
        try (FileChannel channel = FileChannel.open(local.path(), StandardOpenOption.READ)) {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
            long size = 0;
            for (int n; (n = channel.read(buffer)) != -1; buffer.clear()) {
                buffer.flip();
                sha256.update(buffer);
                size += n;
            }
            return CompletableFuture.completedFuture(new NarDigest(NixHash.of(sha256), size));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new StorageException("cannot read " + local.path() + ": " + e, e));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
