package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.port.NarContentHasher.NarDigest;
import dev.cacheserver.domain.port.SpoolProgress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * One NAR being ingested, as the ingest use case handed it out: the spool file the bytes go to (the adapter writes
 * at most {@code claim.maxBytes()} into {@code path} and reports each written step to {@code progress}), what the
 * bytes must be, and the NAR's content digest when it is computed while the bytes arrive. Pass it back to the use
 * case that opened it with the outcome of the write: the spool is then published or deleted, never left behind.
 */
public record NarSpool(Path path, SpoolProgress progress, NarClaim claim,
                       Optional<CompletionStage<NarDigest>> content) {
    public NarSpool {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(claim, "claim");
        Objects.requireNonNull(content, "content");
    }
}
