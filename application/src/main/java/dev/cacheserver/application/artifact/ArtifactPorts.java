package dev.cacheserver.application.artifact;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.access.CacheAccess;
import dev.cacheserver.application.port.in.LookUpBuildArtifact;
import dev.cacheserver.application.port.in.LookUpRealisation;
import dev.cacheserver.application.port.in.PublishRealisation;
import dev.cacheserver.application.port.in.StoreBuildArtifact;
import dev.cacheserver.domain.port.ArtifactFiles;
import dev.cacheserver.domain.port.ArtifactRepository;
import dev.cacheserver.domain.port.RealisationRepository;
import java.time.Clock;

/**
 * Build logs, NAR listings and realisations of one cache as inbound ports, for bootstrap to hand to the HTTP
 * adapter. Every port decides the caller's access from the cache's {@link AccessPolicy} first.
 */
public final class ArtifactPorts {
    private final BuildArtifacts artifacts;
    private final Realisations realisations;

    private ArtifactPorts(BuildArtifacts artifacts, Realisations realisations) {
        this.artifacts = artifacts;
        this.realisations = realisations;
    }

    /** The ports over the artifact {@code files}, their rows and the realisation rows of {@code cache}. */
    public static ArtifactPorts create(CacheProfile cache, AccessPolicy policy, ArtifactFiles files,
                                       ArtifactRepository artifacts, RealisationRepository realisations, Clock clock) {
        CacheAccess access = new CacheAccess(cache, policy);
        return new ArtifactPorts(new BuildArtifacts(access, new BuildArtifactService(cache, files, artifacts, clock)),
                new Realisations(access, new RealisationService(cache, realisations, clock)));
    }

    public LookUpBuildArtifact lookUpBuildArtifact() {
        return artifacts;
    }

    public StoreBuildArtifact storeBuildArtifact() {
        return artifacts;
    }

    public LookUpRealisation lookUpRealisation() {
        return realisations;
    }

    public PublishRealisation publishRealisation() {
        return realisations;
    }
}
