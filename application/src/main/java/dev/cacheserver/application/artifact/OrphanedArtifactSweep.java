package dev.cacheserver.application.artifact;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.domain.model.StoredArtifact;
import dev.cacheserver.domain.port.ArtifactFiles;
import dev.cacheserver.domain.port.ArtifactRepository;
import dev.cacheserver.domain.port.RealisationRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The retention of a cache's build logs, NAR listings and realisations, run after each garbage collection
 * ({@link #removeOrphans()} is the single hook): what no longer describes a path in the cache goes. A build log goes
 * when no narinfo names its derivation as Deriver, a listing when its narinfo is gone, a realisation when its output
 * path is gone. Anything younger than {@code grace} stays, because Nix uploads a listing before its narinfo and
 * a realisation may race its path. Works in pages, so memory does not grow with the cache. Never blocks.
 */
public final class OrphanedArtifactSweep {
    static final int PAGE = 500;

    private final CacheProfile cache;
    private final ArtifactFiles files;
    private final ArtifactRepository artifacts;
    private final RealisationRepository realisations;
    private final Duration grace;
    private final Clock clock;

    public OrphanedArtifactSweep(CacheProfile cache, ArtifactFiles files, ArtifactRepository artifacts,
                                 RealisationRepository realisations, Duration grace, Clock clock) {
        this.cache = cache;
        this.files = files;
        this.artifacts = artifacts;
        this.realisations = realisations;
        this.grace = grace;
        this.clock = clock;
    }

    /** Counts of what was removed. */
    public record Removed(int artifacts, int realisations) {
    }

    /** Removes every orphan older than the grace period; completes with the counts. */
    public CompletionStage<Removed> removeOrphans() {
        Instant before = clock.instant().minus(grace);
        return removeArtifacts(before, 0).thenCompose(removedArtifacts -> removeRealisations(before, 0)
                .thenApply(removedRealisations -> new Removed(removedArtifacts, removedRealisations)));
    }

    private CompletionStage<Integer> removeArtifacts(Instant before, int removedSoFar) {
        return artifacts.findOrphans(cache.name(), before, PAGE).thenCompose(page -> {
            if (page.isEmpty()) {
                return CompletableFuture.completedFuture(removedSoFar);
            }
            return removeAll(page).thenCompose(v -> page.size() < PAGE
                    ? CompletableFuture.completedFuture(removedSoFar + page.size())
                    : removeArtifacts(before, removedSoFar + page.size()));
        });
    }

    private CompletionStage<Void> removeAll(List<StoredArtifact> page) {
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (StoredArtifact a : page) {
            // The row first: a served row never names a deleted file.
            chain = chain.thenCompose(v -> artifacts.delete(a.cache(), a.kind(), a.name()))
                    .thenCompose(v -> files.delete(a.kind(), a.name()));
        }
        return chain;
    }

    private CompletionStage<Integer> removeRealisations(Instant before, int removedSoFar) {
        return realisations.deleteOrphans(cache.name(), before, PAGE).thenCompose(count -> count < PAGE
                ? CompletableFuture.completedFuture(removedSoFar + count)
                : removeRealisations(before, removedSoFar + count));
    }
}
