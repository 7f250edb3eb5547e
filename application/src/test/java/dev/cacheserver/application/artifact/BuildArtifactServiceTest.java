package dev.cacheserver.application.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.model.ArtifactKind;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StoredArtifact;
import dev.cacheserver.domain.port.ArtifactFiles;
import dev.cacheserver.domain.port.ArtifactRepository;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Names are checked before anything is written; a row never outlives its file, nor a file its row. */
class BuildArtifactServiceTest {
    static final CacheName MAIN = new CacheName("main");
    static final String DRV = "l93ixgcr3x5k6yi03aiq952vzzj97i63-closure-top.drv";

    final Set<String> published = new HashSet<>();
    final Set<Path> discarded = new HashSet<>();
    final Map<String, StoredArtifact> rows = new HashMap<>();
    boolean saveFails;

    final BuildArtifactService service = new BuildArtifactService(
            new CacheProfile(MAIN, true, SecretSigningKey.generate("main-1"), URI.create("http://localhost"), 40),
            new FakeFiles(), new FakeRows(), Clock.fixed(Instant.parse("2026-12-03T12:00:00Z"), ZoneOffset.UTC));

    @Test
    void badNamesAreRefusedAndTheirSpoolDiscarded() {
        for (String bad : List.of("/nix/store/" + DRV, "../" + DRV, "not-a-drv", DRV.replace(".drv", ""))) {
            Path spool = Path.of("/spool/" + bad.hashCode());
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(service.complete(spool,
                    ArtifactKind.BUILD_LOG, bad, 1, "text/plain", Optional.empty())), bad);
            assertInstanceOf(InvalidInputException.class, e.getCause());
            assertTrue(discarded.contains(spool), bad);
        }
        assertThrows(ExecutionException.class, () -> await(service.find(ArtifactKind.NAR_LISTING, "short")));
        assertTrue(published.isEmpty() && rows.isEmpty());
    }

    @Test
    void aRowWhoseFileIsGoneIsNotServed() throws Exception {
        await(service.complete(Path.of("/spool/a"), ArtifactKind.BUILD_LOG, DRV, 5, "text/plain", Optional.of("br")));
        assertEquals(Optional.of("br"), await(service.find(ArtifactKind.BUILD_LOG, DRV)).orElseThrow().artifact()
                .contentEncoding());
        published.remove(DRV);
        assertEquals(Optional.empty(), await(service.find(ArtifactKind.BUILD_LOG, DRV)));
    }

    @Test
    void aFileWhoseRowCannotBeSavedIsDeletedAgain() {
        saveFails = true;
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(service.complete(Path.of("/spool/b"),
                ArtifactKind.BUILD_LOG, DRV, 5, "text/plain", Optional.empty())));
        assertInstanceOf(StorageException.class, e.getCause());
        assertTrue(published.isEmpty(), "no file is left that no row names");
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    final class FakeFiles implements ArtifactFiles {
        @Override
        public CompletionStage<Path> createSpoolFile() {
            return CompletableFuture.completedFuture(Path.of("/spool/new"));
        }

        @Override
        public CompletionStage<Void> publish(Path spool, ArtifactKind kind, String name) {
            published.add(name);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> discard(Path spool) {
            discarded.add(spool);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Optional<Path>> locate(ArtifactKind kind, String name) {
            return CompletableFuture.completedFuture(published.contains(name) ? Optional.of(Path.of("/files/" + name))
                    : Optional.empty());
        }

        @Override
        public CompletionStage<Void> delete(ArtifactKind kind, String name) {
            published.remove(name);
            return CompletableFuture.completedFuture(null);
        }
    }

    final class FakeRows implements ArtifactRepository {
        @Override
        public CompletionStage<Void> save(StoredArtifact artifact) {
            if (saveFails) {
                return CompletableFuture.failedFuture(new StorageException("disk I/O error"));
            }
            rows.put(artifact.name(), artifact);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Optional<StoredArtifact>> find(CacheName cache, ArtifactKind kind, String name) {
            return CompletableFuture.completedFuture(Optional.ofNullable(rows.get(name)));
        }

        @Override
        public CompletionStage<List<StoredArtifact>> findOrphans(CacheName cache, Instant storedBefore, int limit) {
            return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletionStage<Void> delete(CacheName cache, ArtifactKind kind, String name) {
            rows.remove(name);
            return CompletableFuture.completedFuture(null);
        }
    }
}
