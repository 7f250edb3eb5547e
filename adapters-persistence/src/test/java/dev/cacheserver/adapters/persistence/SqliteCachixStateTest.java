package dev.cacheserver.adapters.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.upload.UploadSession;
import dev.cacheserver.domain.upload.UploadedPart;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on SQLite, plus durability: an upload in progress and a revocation survive a reopen. */
class SqliteCachixStateTest extends CachixStateContract {
    @TempDir
    Path dir;
    private Vertx vertx;
    private SqliteDatabase db;

    @Override
    protected void createPorts() {
        vertx = Vertx.vertx();
        open();
    }

    private void open() {
        db = await(SqliteDatabase.open(vertx, dir.resolve("cache.sqlite")).toCompletionStage());
        uploads = new SqliteUploadRepository(db);
        tokens = new SqliteTokenRevocations(db);
        keys = new SqliteCacheKeyRepository(db, Clock.systemUTC());
        pins = new SqlitePinRepository(db);
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
    void anUploadInProgressAndARevocationSurviveAReopen() {
        UploadSession s = session(MAIN, Instant.parse("2030-01-01T00:00:00Z"));
        await(uploads.create(s));
        UploadedPart part = new UploadedPart(1, "0123456789abcdef0123456789abcdef", 42);
        await(uploads.savePart(s.narId(), part));
        await(tokens.revoke("gone", Instant.parse("2026-01-01T00:00:00Z")));

        await(db.close().toCompletionStage());
        open();

        assertEquals(Optional.of(s), await(uploads.find(s.narId())));
        assertEquals(List.of(part), await(uploads.parts(s.narId())));
        assertEquals(Set.of("gone"), await(tokens.revokedIds()));
    }

    @Test
    void deletingASessionDeletesItsPartRows() {
        UploadSession s = session(MAIN, Instant.parse("2030-01-01T00:00:00Z"));
        await(uploads.create(s));
        await(uploads.savePart(s.narId(), new UploadedPart(1, "0123456789abcdef0123456789abcdef", 1)));

        assertTrue(await(uploads.delete(s.narId())));

        assertEquals(0L, await(db.readers().query("SELECT COUNT(*) FROM upload_part").execute()
                .map(rows -> rows.iterator().next().getLong(0)).toCompletionStage()));
    }
}
