package dev.cacheserver.adapters.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarPlacementRepository;
import dev.cacheserver.domain.port.NarPlacementRepository.Usage;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on a real SQLite file, plus durability across a reopen (the server restarting). */
class SqliteNarPlacementRepositoryTest extends NarPlacementRepositoryContract {
    @TempDir
    Path dir;
    private Vertx vertx;
    private SqliteDatabase db;

    @Override
    protected NarPlacementRepository createRepository() {
        vertx = Vertx.vertx();
        db = await(SqliteDatabase.open(vertx, dir.resolve("cache.sqlite")).toCompletionStage());
        return new SqliteNarPlacementRepository(db);
    }

    @AfterEach
    void close() {
        try {
            await(db.close().toCompletionStage());
        } finally {
            await(vertx.close().toCompletionStage());
        }
    }

    @Test
    void placementStateSurvivesAReopen() {
        NarFile a = nar("a");
        await(repository.recordPublished(MAIN, "local", a, 4096, true));
        await(db.close().toCompletionStage());

        db = await(SqliteDatabase.open(vertx, dir.resolve("cache.sqlite")).toCompletionStage());
        var reopened = new SqliteNarPlacementRepository(db);
        var state = await(reopened.state(MAIN));

        assertEquals(Map.of("local", new Usage(4096, 1)), state.usage());
        assertEquals(Optional.of("local"), state.lastPlacement());
        assertEquals("local", await(reopened.find(MAIN, a)).orElseThrow().storage());
    }
}
