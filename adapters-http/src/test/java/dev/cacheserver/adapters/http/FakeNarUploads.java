package dev.cacheserver.adapters.http;

import dev.cacheserver.application.UploadNarUseCase;
import dev.cacheserver.domain.error.HashMismatchException;
import dev.cacheserver.domain.error.PayloadTooLargeException;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.port.NarContentHasher.NarDigest;
import dev.cacheserver.domain.port.NarLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * NAR uploads into a directory: spool files there; a complete NAR whose hash is its name's is moved into place and
 * becomes readable through the fake cache; {@link #storageBytes} bounds what {@link #admit} lets in.
 */
final class FakeNarUploads implements UploadNarUseCase {
    private final Path dir;
    private final FakeNixCache cache;
    final AtomicInteger begun = new AtomicInteger();
    volatile long storageBytes = Long.MAX_VALUE;

    FakeNarUploads(Path dir, FakeNixCache cache) {
        this.dir = dir;
        this.cache = cache;
    }

    @Override
    public CompletionStage<Void> admit(long bytes) {
        return bytes > storageBytes
                ? CompletableFuture.failedFuture(new PayloadTooLargeException("no storage can take " + bytes + " bytes"))
                : CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Path> begin() {
        begun.incrementAndGet();
        try {
            return CompletableFuture.completedFuture(Files.createTempFile(dir, "spool", ".nar"));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new UncheckedIOException(e));
        }
    }

    @Override
    public CompletionStage<Void> complete(Path spool, NarFile claimed, NixHash computed, long size,
                                          Optional<CompletionStage<NarDigest>> content) {
        try {
            if (!claimed.fileHash().equals(computed)) {
                Files.deleteIfExists(spool);
                throw new HashMismatchException("the NAR's hash is " + computed.nix32() + ", not the one in its name");
            }
            Path stored = dir.resolve(claimed.fileName());
            Files.move(spool, stored);
            cache.nars.put(claimed, new NarLocation.LocalFile(stored, size));
            return CompletableFuture.completedFuture(null);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new UncheckedIOException(e));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletionStage<Void> abort(Path spool) {
        try {
            Files.deleteIfExists(spool);
            return CompletableFuture.completedFuture(null);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new UncheckedIOException(e));
        }
    }
}
