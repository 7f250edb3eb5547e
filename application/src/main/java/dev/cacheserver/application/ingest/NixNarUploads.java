package dev.cacheserver.application.ingest;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.port.in.IngestNar;
import dev.cacheserver.application.port.in.NarClaim;
import dev.cacheserver.application.port.in.NarOrigin;
import dev.cacheserver.application.port.in.NarSpool;
import dev.cacheserver.application.port.in.SpooledBytes;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.error.PayloadTooLargeException;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The Nix protocol's entrance to {@link NarIngestion}: authorizes the pusher and bounds the upload first. */
final class NixNarUploads implements IngestNar {
    private final CacheProfile cache;
    private final AccessPolicy access;
    private final NarIngestion ingestion;
    private final long maxNarBytes;

    NixNarUploads(CacheProfile cache, AccessPolicy access, NarIngestion ingestion, long maxNarBytes) {
        this.cache = cache;
        this.access = access;
        this.ingestion = ingestion;
        this.maxNarBytes = maxNarBytes;
    }

    @Override
    public CompletionStage<NarSpool> open(UploadNarCommand command) {
        try {
            access.check(cache, Permission.WRITE, command.caller().token());
            if (command.declaredBytes() > maxNarBytes) {
                throw new PayloadTooLargeException("a NAR may have at most " + maxNarBytes + " bytes");
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        // A declared size that fits on no storage is refused at once, before a byte of the body is read.
        NarClaim claim = new NarClaim(command.file(), OptionalLong.empty(), maxNarBytes, NarOrigin.NIX_UPLOAD);
        return ingestion.admit(command.declaredBytes()).thenCompose(admitted -> ingestion.open(claim, true));
    }

    @Override
    public CompletionStage<Void> finish(NarSpool spool, CompletionStage<SpooledBytes> written) {
        return ingestion.ingest(spool, written, () -> CompletableFuture.completedFuture(null));
    }
}
