package dev.cacheserver.adapters.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.port.NarPlacementRepository;
import dev.cacheserver.domain.port.NarPlacementRepository.Placement;
import dev.cacheserver.domain.port.NarPlacementRepository.Snapshot;
import dev.cacheserver.domain.port.NarPlacementRepository.Usage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link NarPlacementRepository} must do; a subclass supplies a fresh, empty one per test. */
public abstract class NarPlacementRepositoryContract {
    protected static final CacheName MAIN = new CacheName("main");
    protected static final CacheName OTHER = new CacheName("other");
    protected NarPlacementRepository repository;

    protected abstract NarPlacementRepository createRepository();

    @BeforeEach
    void create() {
        repository = createRepository();
    }

    @Test
    void anUnknownCacheHasNothing() {
        assertEquals(new Snapshot(List.of(), Map.of(), Optional.empty()), await(repository.load(MAIN)));
    }

    @Test
    void placementsUsageAndLastPlacementAreRecordedTogether() {
        NarFile a = nar("a");
        NarFile b = nar("b");
        NarFile c = nar("c");
        await(repository.recordPublished(MAIN, "s1", a, 100, true));
        await(repository.recordPublished(MAIN, "s2", b, 250, true));
        await(repository.recordPublished(MAIN, "s1", c, 7, false));

        Snapshot snapshot = await(repository.load(MAIN));

        assertEquals(sorted(List.of(new Placement(a, "s1", 100), new Placement(b, "s2", 250),
                new Placement(c, "s1", 7))), snapshot.placements());
        assertEquals(Map.of("s1", new Usage(107, 2), "s2", new Usage(250, 1)), snapshot.usage());
        assertEquals(Optional.of("s2"), snapshot.lastPlacement(), "the write that does not advance keeps s2");
    }

    @Test
    void aFileIsRecordedOncePerCache() {
        NarFile a = nar("a");
        await(repository.recordPublished(MAIN, "s1", a, 100, true));
        await(repository.recordPublished(MAIN, "s2", a, 100, true));
        await(repository.recordPublished(OTHER, "s2", a, 100, true));

        Snapshot main = await(repository.load(MAIN));

        assertEquals(List.of(new Placement(a, "s1", 100)), main.placements());
        assertEquals(Map.of("s1", new Usage(100, 1)), main.usage());
        assertEquals(Optional.of("s1"), main.lastPlacement(), "a duplicate is no write");
        assertEquals(List.of(new Placement(a, "s2", 100)), await(repository.load(OTHER)).placements());
    }

    @Test
    void deletingForgetsTheFileAndItsBytes() {
        NarFile a = nar("a");
        NarFile b = nar("b");
        await(repository.recordPublished(MAIN, "s1", a, 100, true));
        await(repository.recordPublished(MAIN, "s1", b, 50, true));

        assertTrue(await(repository.recordDeleted(MAIN, a)));
        assertFalse(await(repository.recordDeleted(MAIN, a)));

        Snapshot snapshot = await(repository.load(MAIN));
        assertEquals(List.of(new Placement(b, "s1", 50)), snapshot.placements());
        assertEquals(new Usage(50, 1), snapshot.usage().get("s1"));
        assertEquals(Map.of("s1", new Usage(50, 1)), await(repository.usage(MAIN)), "usage alone, per storage");
        assertEquals(Map.of(), await(repository.usage(OTHER)));
    }

    private static List<Placement> sorted(List<Placement> placements) {
        return placements.stream().sorted(java.util.Comparator.comparing(p -> p.file().fileName())).toList();
    }

    protected static NarFile nar(String seed) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            return new NarFile(new NixHash(hash), Compression.ZSTD);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    protected static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("stage failed: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
