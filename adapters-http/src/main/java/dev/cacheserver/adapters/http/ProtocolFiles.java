package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.LookUpBuildArtifact;
import dev.cacheserver.application.port.in.LookUpRealisation;
import dev.cacheserver.application.port.in.PublishRealisation;
import dev.cacheserver.application.port.in.StoreBuildArtifact;
import java.util.Objects;

/**
 * The optional parts of the Nix binary-cache protocol one cache serves: build logs and NAR listings
 * ({@code lookUpArtifact}, {@code storeArtifact}), realisations of content-addressed derivations. {@code maxLogBytes}
 * bounds one build log upload; {@code maxListingBytes} one NAR listing.
 */
public record ProtocolFiles(LookUpBuildArtifact lookUpArtifact, StoreBuildArtifact storeArtifact,
                            LookUpRealisation lookUpRealisation, PublishRealisation publishRealisation,
                            long maxLogBytes, long maxListingBytes) {
    public ProtocolFiles {
        Objects.requireNonNull(lookUpArtifact, "lookUpArtifact");
        Objects.requireNonNull(storeArtifact, "storeArtifact");
        Objects.requireNonNull(lookUpRealisation, "lookUpRealisation");
        Objects.requireNonNull(publishRealisation, "publishRealisation");
        if (maxLogBytes < 0 || maxListingBytes < 0) {
            throw new IllegalArgumentException("size limits must not be negative");
        }
    }
}
