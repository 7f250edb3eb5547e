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
import dev.cacheserver.domain.port.NarPlacementRepository.State;
import dev.cacheserver.domain.port.NarPlacementRepository.Usage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
        assertEquals(new State(Map.of(), Optional.empty()), await(repository.state(MAIN)));
        assertEquals(List.of(), await(repository.page(MAIN, Optional.empty(), 10)));
        assertEquals(Optional.empty(), await(repository.find(MAIN, nar("a"))));
    }

    @Test
    void placementsUsageAndLastPlacementAreRecordedTogether() {
        NarFile a = nar("a");
        NarFile b = nar("b");
        NarFile c = nar("c");
        await(repository.recordPublished(MAIN, "s1", a, 100, true));
        await(repository.recordPublished(MAIN, "s2", b, 250, true));
        await(repository.recordPublished(MAIN, "s1", c, 7, false));

        State state = await(repository.state(MAIN));

        assertEquals(sorted(List.of(row(a, "s1", 100), row(b, "s2", 250), row(c, "s1", 7))),
                rows(await(repository.page(MAIN, Optional.empty(), 10))));
        assertEquals(Map.of("s1", new Usage(107, 2), "s2", new Usage(250, 1)), state.usage());
        assertEquals(Optional.of("s2"), state.lastPlacement(), "the write that does not advance keeps s2");
        assertEquals(Optional.of(row(b, "s2", 250)), await(repository.find(MAIN, b)).map(p -> row(p)));
    }

    @Test
    void aFileIsRecordedOncePerCache() {
        NarFile a = nar("a");
        await(repository.recordPublished(MAIN, "s1", a, 100, true));
        await(repository.recordPublished(MAIN, "s2", a, 100, true));
        await(repository.recordPublished(OTHER, "s2", a, 100, true));

        State main = await(repository.state(MAIN));

        assertEquals(List.of(row(a, "s1", 100)), rows(await(repository.page(MAIN, Optional.empty(), 10))));
        assertEquals(Map.of("s1", new Usage(100, 1)), main.usage());
        assertEquals(Optional.of("s1"), main.lastPlacement(), "a duplicate is no write");
        assertEquals(List.of(row(a, "s2", 100)), rows(await(repository.page(OTHER, Optional.empty(), 10))));
    }

    @Test
    void deletingForgetsTheFileAndItsBytes() {
        NarFile a = nar("a");
        NarFile b = nar("b");
        await(repository.recordPublished(MAIN, "s1", a, 100, true));
        await(repository.recordPublished(MAIN, "s1", b, 50, true));

        assertTrue(await(repository.recordDeleted(MAIN, a)));
        assertFalse(await(repository.recordDeleted(MAIN, a)));

        assertEquals(List.of(row(b, "s1", 50)), rows(await(repository.page(MAIN, Optional.empty(), 10))));
        assertEquals(Optional.empty(), await(repository.find(MAIN, a)));
        assertEquals(new Usage(50, 1), await(repository.state(MAIN)).usage().get("s1"));
        assertEquals(Map.of("s1", new Usage(50, 1)), await(repository.usage(MAIN)), "usage alone, per storage");
        assertEquals(Map.of(), await(repository.usage(OTHER)));
    }

    @Test
    void pagesWalkEveryPlacementOnceInFileNameOrder() {
        List<NarFile> files = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            files.add(nar("n" + i));
            await(repository.recordPublished(MAIN, "s" + (i % 2), files.get(i), i, true));
        }
        await(repository.recordPublished(OTHER, "s1", nar("elsewhere"), 1, true));

        List<String> walked = new ArrayList<>();
        Optional<NarFile> after = Optional.empty();
        while (true) {
            List<Placement> page = await(repository.page(MAIN, after, 7));
            assertTrue(page.size() <= 7, "a page holds at most the limit");
            if (page.isEmpty()) {
                break;
            }
            page.forEach(p -> walked.add(p.file().fileName()));
            after = Optional.of(page.get(page.size() - 1).file());
        }

        assertEquals(files.stream().map(NarFile::fileName).sorted().toList(), walked);
    }

    @Test
    void recordedAnswersWhichFilesAreKnownInOneCall() {
        NarFile a = nar("a");
        NarFile b = nar("b");
        await(repository.recordPublished(MAIN, "s1", a, 1, true));
        await(repository.recordPublished(OTHER, "s1", b, 1, true));

        assertEquals(Set.of(a), await(repository.recorded(MAIN, List.of(a, b, nar("c")))));
        assertEquals(Set.of(), await(repository.recorded(MAIN, List.of())));
    }

    private static List<List<Object>> rows(List<Placement> placements) {
        return placements.stream().map(NarPlacementRepositoryContract::row).toList();
    }

    private static List<Object> row(Placement p) {
        return row(p.file(), p.storage(), p.size());
    }

    private static List<Object> row(NarFile file, String storage, long size) {
        return List.of(file.fileName(), storage, size);
    }

    private static List<List<Object>> sorted(List<List<Object>> rows) {
        return rows.stream().sorted(java.util.Comparator.comparing(r -> (String) r.get(0))).toList();
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
