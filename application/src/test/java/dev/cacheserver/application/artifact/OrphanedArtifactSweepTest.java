package dev.cacheserver.application.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.domain.model.ArtifactKind;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.DrvOutputId;
import dev.cacheserver.domain.model.StoredArtifact;
import dev.cacheserver.domain.narinfo.Realisation;
import dev.cacheserver.domain.port.ArtifactFiles;
import dev.cacheserver.domain.port.ArtifactRepository;
import dev.cacheserver.domain.port.RealisationRepository;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The GC hook: every orphan older than the grace period goes, its row before its file, page after page; orphans
 * inside the grace period and artifacts of live paths stay.
 */
class OrphanedArtifactSweepTest {
    static final CacheName MAIN = new CacheName("main");
    static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    @Test
    void removesOldOrphansInPagesAndKeepsTheRest() throws Exception {
        FakeArtifacts repo = new FakeArtifacts(Set.of("live.drv"));
        for (int i = 0; i < OrphanedArtifactSweep.PAGE + 7; i++) {
            repo.rows.put("gone-" + i + ".drv", NOW.minus(Duration.ofHours(2)));
        }
        repo.rows.put("young.drv", NOW.minus(Duration.ofMinutes(5)));
        repo.rows.put("live.drv", NOW.minus(Duration.ofDays(9)));
        List<String> deletedFiles = new ArrayList<>();
        FakeRealisations realisations = new FakeRealisations(OrphanedArtifactSweep.PAGE + 1);

        OrphanedArtifactSweep sweep = new OrphanedArtifactSweep(profile(), files(repo, deletedFiles), repo, realisations,
                Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC));
        OrphanedArtifactSweep.Removed removed = sweep.removeOrphans().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertEquals(OrphanedArtifactSweep.PAGE + 7, removed.artifacts());
        assertEquals(OrphanedArtifactSweep.PAGE + 1, removed.realisations());
        assertEquals(Set.of("young.drv", "live.drv"), repo.rows.keySet());
        assertEquals(OrphanedArtifactSweep.PAGE + 7, deletedFiles.size());
        assertTrue(deletedFiles.stream().allMatch(f -> f.startsWith("gone-")));
        assertEquals(NOW.minus(Duration.ofHours(1)), realisations.cutoff);
    }

    private static CacheProfile profile() {
        return new CacheProfile(MAIN, true, SecretSigningKey.generate("main-1"), URI.create("http://localhost"), 40);
    }

    /** Build logs only; a log is live when its name is in {@code live}. */
    static final class FakeArtifacts implements ArtifactRepository {
        final Map<String, Instant> rows = new TreeMap<>();
        final Set<String> live;

        FakeArtifacts(Set<String> live) {
            this.live = live;
        }

        @Override
        public CompletionStage<Void> save(StoredArtifact artifact) {
            rows.put(artifact.name(), artifact.storedAt());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Optional<StoredArtifact>> find(CacheName cache, ArtifactKind kind, String name) {
            return CompletableFuture.completedFuture(Optional.ofNullable(rows.get(name)).map(at -> artifact(name, at)));
        }

        @Override
        public CompletionStage<List<StoredArtifact>> findOrphans(CacheName cache, Instant storedBefore, int limit) {
            return CompletableFuture.completedFuture(rows.entrySet().stream()
                    .filter(e -> !live.contains(e.getKey()) && e.getValue().isBefore(storedBefore)).limit(limit)
                    .map(e -> artifact(e.getKey(), e.getValue())).toList());
        }

        @Override
        public CompletionStage<Void> delete(CacheName cache, ArtifactKind kind, String name) {
            rows.remove(name);
            return CompletableFuture.completedFuture(null);
        }

        private static StoredArtifact artifact(String name, Instant at) {
            return new StoredArtifact(MAIN, ArtifactKind.BUILD_LOG, name, 1, "text/plain", Optional.empty(), at);
        }
    }

    /** Deleting a file checks that its row went first. */
    private static ArtifactFiles files(FakeArtifacts repo, List<String> deleted) {
        return new ArtifactFiles() {
            @Override
            public CompletionStage<Path> createSpoolFile() {
                throw new UnsupportedOperationException();
            }

            @Override
            public CompletionStage<Void> publish(Path spool, ArtifactKind kind, String name) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CompletionStage<Void> discard(Path spool) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CompletionStage<Optional<Path>> locate(ArtifactKind kind, String name) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CompletionStage<Void> delete(ArtifactKind kind, String name) {
                if (repo.rows.containsKey(name)) {
                    return CompletableFuture.failedFuture(new AssertionError("file of " + name + " deleted before its row"));
                }
                deleted.add(name);
                return CompletableFuture.completedFuture(null);
            }
        };
    }

    /** {@code orphans} orphaned realisations, deleted a page at a time. */
    static final class FakeRealisations implements RealisationRepository {
        int orphans;
        Instant cutoff;

        FakeRealisations(int orphans) {
            this.orphans = orphans;
        }

        @Override
        public CompletionStage<Void> save(CacheName cache, Realisation realisation, Instant storedAt) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Optional<Realisation>> find(CacheName cache, DrvOutputId id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Integer> deleteOrphans(CacheName cache, Instant storedBefore, int limit) {
            cutoff = storedBefore;
            int deleted = Math.min(limit, orphans);
            orphans -= deleted;
            return CompletableFuture.completedFuture(deleted);
        }
    }
}
