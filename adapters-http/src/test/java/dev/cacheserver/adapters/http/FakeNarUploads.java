package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.IngestNar;
import dev.cacheserver.application.port.in.NarClaim;
import dev.cacheserver.application.port.in.NarOrigin;
import dev.cacheserver.application.port.in.NarSpool;
import dev.cacheserver.application.port.in.SpooledBytes;
import dev.cacheserver.domain.error.HashMismatchException;
import dev.cacheserver.domain.error.PayloadTooLargeException;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.SpoolProgress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * NAR uploads into a directory: writers need the fake access's write token, spool files are made there; a complete
 * NAR whose hash is its name's is moved into place and becomes readable through the fake cache;
 * {@link #maxNarBytes} and {@link #storageBytes} bound what {@link #open} lets in.
 */
final class FakeNarUploads implements IngestNar {
    private final Path dir;
    private final FakeNixCache cache;
    private final FakeAccess access;
    final AtomicInteger begun = new AtomicInteger();
    volatile long maxNarBytes = Long.MAX_VALUE;
    volatile long storageBytes = Long.MAX_VALUE;

    FakeNarUploads(Path dir, FakeNixCache cache, FakeAccess access) {
        this.dir = dir;
        this.cache = cache;
        this.access = access;
    }

    @Override
    public CompletionStage<NarSpool> open(UploadNarCommand command) {
        try {
            access.write(command.caller());
            if (command.declaredBytes() > maxNarBytes || command.declaredBytes() > storageBytes) {
                throw new PayloadTooLargeException("no storage can take " + command.declaredBytes() + " bytes");
            }
            begun.incrementAndGet();
            Path spool = Files.createTempFile(dir, "spool", ".nar");
            return CompletableFuture.completedFuture(new NarSpool(spool, new SpoolProgress(spool),
                    new NarClaim(command.file(), OptionalLong.empty(), maxNarBytes, NarOrigin.NIX_UPLOAD),
                    Optional.empty()));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new UncheckedIOException(e));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletionStage<Void> finish(NarSpool spool, CompletionStage<SpooledBytes> written) {
        return written.handle((bytes, failure) -> {
            try {
                if (failure != null || !spool.claim().file().fileHash().equals(bytes.fileHash())) {
                    Files.deleteIfExists(spool.path());
                    if (failure != null) {
                        return CompletableFuture.<Void>failedFuture(failure);
                    }
                    throw new HashMismatchException("the NAR's hash is " + bytes.fileHash().nix32()
                            + ", not the one in its name");
                }
                Path stored = dir.resolve(spool.claim().file().fileName());
                Files.move(spool.path(), stored);
                cache.nars.put(spool.claim().file(), new NarLocation.LocalFile(stored, bytes.size()));
                return CompletableFuture.<Void>completedFuture(null);
            } catch (IOException e) {
                return CompletableFuture.<Void>failedFuture(new UncheckedIOException(e));
            } catch (RuntimeException e) {
                return CompletableFuture.<Void>failedFuture(e);
            }
        }).thenCompose(stage -> stage);
    }
}
