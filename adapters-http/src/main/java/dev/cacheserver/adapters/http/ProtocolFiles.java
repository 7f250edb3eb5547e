package dev.cacheserver.adapters.http;

import dev.cacheserver.application.artifact.BuildArtifactUseCase;
import dev.cacheserver.application.artifact.RealisationUseCase;
import java.util.Objects;

/**
 * The optional parts of the Nix binary-cache protocol one cache serves: build logs and NAR listings
 * ({@code artifacts}), realisations of content-addressed derivations. {@code maxLogBytes} bounds one build log
 * upload; {@code maxListingBytes} one NAR listing.
 */
public record ProtocolFiles(BuildArtifactUseCase artifacts, RealisationUseCase realisations, long maxLogBytes,
                            long maxListingBytes) {
    public ProtocolFiles {
        Objects.requireNonNull(artifacts, "artifacts");
        Objects.requireNonNull(realisations, "realisations");
        if (maxLogBytes < 0 || maxListingBytes < 0) {
            throw new IllegalArgumentException("size limits must not be negative");
        }
    }
}
