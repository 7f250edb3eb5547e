package dev.cacheserver.application;

import dev.cacheserver.domain.error.HashMismatchException;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.port.NarContentHasher.NarDigest;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.port.SpoolProgress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Uploads and locates the NAR files of one cache. Thread-safe; never blocks. */
public final class NarService implements UploadNarUseCase, LocateNarUseCase {
    private final NarStore store;
    private final UploadedNarDigests narInfos;

    public NarService(NarStore store) {
        this(store, null);
    }

    /** With {@code narInfos}, uploads are digested while they arrive and the digest is kept for the narinfo. */
    public NarService(NarStore store, UploadedNarDigests narInfos) {
        this.store = store;
        this.narInfos = narInfos;
    }

    @Override
    public CompletionStage<Void> admit(long bytes) {
        return store.admit(bytes);
    }

    @Override
    public CompletionStage<Path> begin() {
        return store.createSpoolFile();
    }

    @Override
    public Optional<CompletionStage<NarDigest>> follow(SpoolProgress spool, Compression compression) {
        return narInfos == null ? Optional.empty() : narInfos.digestWhileUploaded(spool, compression);
    }

    @Override
    public CompletionStage<Void> complete(Path spool, NarFile claimed, NixHash computed, long size,
                                          Optional<CompletionStage<NarDigest>> content) {
        if (!claimed.fileHash().equals(computed)) {
            return store.discard(spool).thenCompose(v -> CompletableFuture.failedFuture(new HashMismatchException(
                    "FileHash mismatch: the URL names " + claimed.fileHash() + " but the " + size
                            + " uploaded bytes hash to " + computed)));
        }
        return store.publish(spool, claimed).thenRun(() -> {
            if (narInfos != null) {
                content.ifPresent(digest -> narInfos.remember(claimed, digest));
            }
        });
    }

    @Override
    public CompletionStage<Void> abort(Path spool) {
        return store.discard(spool);
    }

    @Override
    public CompletionStage<Throwable> abandon(Path spool, Throwable cause) {
        return store.abandon(spool, cause);
    }

    @Override
    public CompletionStage<Optional<NarLocation>> locate(NarFile file) {
        return store.locate(file);
    }
}
