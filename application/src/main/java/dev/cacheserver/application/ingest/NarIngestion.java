package dev.cacheserver.application.ingest;

import dev.cacheserver.application.port.in.NarClaim;
import dev.cacheserver.application.port.in.NarSpool;
import dev.cacheserver.application.port.in.SpooledBytes;
import dev.cacheserver.domain.error.Failures;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarContentHasher.NarDigest;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.port.SpoolProgress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The one sequence every NAR write of a cache goes through (Nix PUT, Cachix complete, upstream and peer
 * pull-through): spool, verify, locate, publish. {@link #open} hands out a spool; once its bytes are written,
 * {@link #ingest} checks them against the {@link NarClaim} (FileSize, then FileHash; HashMismatchException), looks
 * whether the cache held the NAR already, moves the spool into place and then runs the narinfo step, whose
 * checks (NarHash, NarSize, signatures) belong to the narinfo publisher. Whatever fails leaves nothing behind: a
 * failed write or a mismatch deletes the spool, a failed narinfo step deletes the NAR this ingest brought. Who may
 * write is decided by the entrance before {@link #open}. Stateless beyond its ports; thread-safe; never blocks.
 */
public final class NarIngestion {
    private final NarStore store;
    private final Optional<UploadedNarDigests> digests;

    /** {@code digests} (null: none) keeps the content digests made while NARs arrive for their narinfos. */
    public NarIngestion(NarStore store, UploadedNarDigests digests) {
        this.store = store;
        this.digests = Optional.ofNullable(digests);
    }

    /**
     * A new spool for the NAR {@code claim} describes. With {@code followContent} its content is digested while the
     * writer reports progress (which it then must), so the narinfo's check needs no second decompression.
     */
    public CompletionStage<NarSpool> open(NarClaim claim, boolean followContent) {
        return store.createSpoolFile().thenApply(path -> {
            SpoolProgress progress = new SpoolProgress(path);
            Optional<CompletionStage<NarDigest>> content = followContent
                    ? digests.flatMap(d -> d.digestWhileUploaded(progress, claim.file().compression()))
                    : Optional.empty();
            return new NarSpool(path, progress, claim, content);
        });
    }

    /** Fails with PayloadTooLargeException when {@code declaredBytes} fit on no storage of the cache. */
    public CompletionStage<Void> admit(long declaredBytes) {
        return store.admit(declaredBytes);
    }

    /**
     * Verifies and publishes what was {@code written} into {@code spool}, then runs {@code narInfo}, the entrance's
     * narinfo step (nothing, for a NAR whose narinfo comes later). Completes with that step's result.
     */
    public <T> CompletionStage<T> ingest(NarSpool spool, CompletionStage<SpooledBytes> written,
                                         Supplier<CompletionStage<T>> narInfo) {
        return written.handle((bytes, failure) -> failure == null
                        ? verified(spool, bytes).thenCompose(file -> publish(spool, file, narInfo))
                        : this.<T>abandoned(spool, Failures.cause(failure)))
                .thenCompose(stage -> stage);
    }

    private CompletionStage<NarFile> verified(NarSpool spool, SpooledBytes bytes) {
        try {
            NarVerification.check(spool.claim(), bytes);
        } catch (RuntimeException mismatch) {
            return store.discard(spool.path()).handle((v, e) -> {
                throw mismatch;
            });
        }
        NarFile file = spool.claim().file();
        spool.content().ifPresent(digest -> digests.ifPresent(d -> d.remember(file, digest)));
        return CompletableFuture.completedFuture(file);
    }

    private <T> CompletionStage<T> publish(NarSpool spool, NarFile file, Supplier<CompletionStage<T>> narInfo) {
        return store.locate(file).thenCompose(before -> store.publish(spool.path(), file)
                .thenCompose(stored -> onFailure(started(narInfo), () -> forget(file, before))));
    }

    private static <T> CompletionStage<T> started(Supplier<CompletionStage<T>> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A NAR that only this ingest brought must not outlive its rejected narinfo. */
    private CompletionStage<?> forget(NarFile file, Optional<NarLocation> before) {
        return before.isPresent() ? CompletableFuture.completedFuture(null) : store.delete(file);
    }

    private <T> CompletionStage<T> abandoned(NarSpool spool, Throwable cause) {
        spool.progress().abandon();
        return store.abandon(spool.path(), cause)
                .handle((reported, e) -> reported == null ? cause : reported)
                .thenCompose(CompletableFuture::failedFuture);
    }

    /** Runs {@code cleanup} when {@code stage} fails, then fails with the original cause. */
    private static <T> CompletionStage<T> onFailure(CompletionStage<T> stage, Supplier<CompletionStage<?>> cleanup) {
        return stage.handle((value, failure) -> failure == null ? CompletableFuture.completedFuture(value)
                        : cleanup.get().handle((ignored, cleanupFailure) -> (T) null)
                        .thenCompose(ignored -> CompletableFuture.<T>failedFuture(Failures.cause(failure))))
                .thenCompose(s -> s);
    }
}
