package dev.cacheserver.adapters.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.NarInfoRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on a real SQLite file, plus what only a database has: durability, migrations, pragmas. */
class SqliteNarInfoRepositoryTest extends NarInfoRepositoryContract {
    @TempDir
    Path dir;
    private Vertx vertx;
    private SqliteDatabase db;

    @Override
    protected NarInfoRepository createRepository() {
        vertx = Vertx.vertx();
        db = open(Migrations.ALL);
        return new SqliteNarInfoRepository(db);
    }

    @AfterEach
    void closeDatabase() {
        try {
            if (db != null) {
                await(db.close());
            }
        } finally {
            await(vertx.close());
        }
    }

    /** In a directory that does not exist yet, so every test also checks that open creates it. */
    private Path file() {
        return dir.resolve("state/db/cache.sqlite");
    }

    private SqliteDatabase open(List<Migration> migrations) {
        return await(SqliteDatabase.open(vertx, file(), migrations));
    }

    private void reopen(List<Migration> migrations) {
        await(db.close());
        db = null;
        db = open(migrations);
        repository = new SqliteNarInfoRepository(db);
    }

    @Test
    void narInfosSurviveCloseAndReopen() {
        await(repository.save(MAIN, FULL));
        await(repository.save(OTHER, MINIMAL));

        reopen(Migrations.ALL);

        assertEquals(Optional.of(FULL), await(repository.find(MAIN, FULL.storePath().hash())));
        assertEquals(List.of(MINIMAL), all(OTHER));
    }

    @Test
    void reopeningAppliesNoMigrationTwice() {
        reopen(Migrations.ALL);
        reopen(Migrations.ALL);

        assertEquals(Migrations.ALL.size(), db.schemaVersion());
        assertEquals(IntStream.rangeClosed(1, Migrations.ALL.size()).boxed().toList(), appliedVersions());
    }

    @Test
    void anAppendedMigrationRunsOnceOnAnExistingDatabase() {
        await(repository.save(MAIN, FULL));
        List<Migration> next = new ArrayList<>(Migrations.ALL);
        // No IF NOT EXISTS: running it a second time would fail.
        next.add(new Migration(next.size() + 1, "test index",
                List.of("CREATE INDEX narinfo_by_nar_hash ON narinfo (nar_hash)")));

        reopen(next);
        reopen(next);

        assertEquals(next.size(), db.schemaVersion());
        assertEquals(IntStream.rangeClosed(1, next.size()).boxed().toList(), appliedVersions());
        assertEquals(Optional.of(FULL), await(repository.find(MAIN, FULL.storePath().hash())));
    }

    @Test
    void aFailingMigrationIsRolledBackAndRefusesToOpen() {
        await(db.close());
        db = null;
        List<Migration> broken = new ArrayList<>(Migrations.ALL);
        broken.add(new Migration(broken.size() + 1, "broken",
                List.of("CREATE TABLE half_done (id INTEGER)", "THIS IS NOT SQL")));

        Throwable failure = failureOf(SqliteDatabase.open(vertx, file(), broken).toCompletionStage());

        assertInstanceOf(StorageException.class, failure);
        assertTrue(failure.getMessage().contains("broken"), failure.getMessage());
        db = open(Migrations.ALL);
        assertEquals(IntStream.rangeClosed(1, Migrations.ALL.size()).boxed().toList(), appliedVersions());
        assertEquals(0L, single(db.readers(),
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'").getLong(0));
    }

    @Test
    void aDatabaseFromANewerReleaseIsRefused() throws Exception {
        await(db.close());
        db = null;
        try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + file());
             Statement st = conn.createStatement()) {
            st.executeUpdate("INSERT INTO schema_version (version, description, applied_at) VALUES (99, 'future', 0)");
        }

        Throwable failure = failureOf(SqliteDatabase.open(vertx, file()).toCompletionStage());

        assertInstanceOf(StorageException.class, failure);
        assertTrue(failure.getMessage().contains("schema version 99"), failure.getMessage());
        assertTrue(failure.getMessage().contains("newer release"), failure.getMessage());
    }

    @Test
    void connectionsUseWalAndThePragmas() {
        for (Pool pool : List.of(db.writer(), db.readers())) {
            assertEquals("wal", single(pool, "PRAGMA journal_mode").getString(0));
            assertEquals(2L, single(pool, "PRAGMA synchronous").getLong(0), "synchronous=FULL: an accepted narinfo survives a power loss");
            assertEquals(5000L, single(pool, "PRAGMA busy_timeout").getLong(0));
            assertEquals(1L, single(pool, "PRAGMA foreign_keys").getLong(0));
        }
        assertTrue(Files.exists(file()));
    }

    @Test
    void aWriteTransactionCommitsAndLaterWritesAreStillCommitted() {
        await(repository.save(MAIN, FULL));

        await(db.inWriteTransaction(conn -> conn.query("UPDATE narinfo SET system = 'aarch64-linux'").execute()));
        await(repository.save(MAIN, MINIMAL));

        // Read through the other pool: only committed rows are visible there.
        assertEquals("aarch64-linux", await(repository.find(MAIN, FULL.storePath().hash())).orElseThrow().system());
        assertEquals(Optional.of(MINIMAL), await(repository.find(MAIN, MINIMAL.storePath().hash())));
    }

    @Test
    void aFailedWriteTransactionIsRolledBack() {
        await(repository.save(MAIN, FULL));

        Throwable failure = failureOf(db.inWriteTransaction(conn -> conn.query("DELETE FROM narinfo").execute()
                .compose(deleted -> Future.failedFuture(new IllegalStateException("boom")))).toCompletionStage());
        await(repository.save(MAIN, MINIMAL));

        assertEquals("boom", failure.getMessage());
        assertEquals(2, all(MAIN).size());
    }

    @Test
    void saveKeepsCreatedAtAndUpdatesLastAccessedAt() {
        Instant first = Instant.parse("2025-01-01T00:00:00Z");
        Instant second = Instant.parse("2025-06-01T00:00:00Z");
        await(new SqliteNarInfoRepository(db, Clock.fixed(first, ZoneOffset.UTC)).save(MAIN, FULL));

        await(new SqliteNarInfoRepository(db, Clock.fixed(second, ZoneOffset.UTC)).save(MAIN, FULL));

        Row row = single(db.readers(), "SELECT created_at, last_accessed_at FROM narinfo");
        assertEquals(first.toEpochMilli(), row.getLong(0));
        assertEquals(second.toEpochMilli(), row.getLong(1));
    }

    @Test
    void pagedScanListsManyNarInfos() {
        List<NarInfo> infos = IntStream.range(0, 1500).mapToObj(i -> generated("bulk-" + i)).toList();
        CompletableFuture<?>[] saves = infos.stream()
                .map(info -> repository.save(MAIN, info).toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        // Each save is a durable transaction: on a loaded 2-core machine 1,500 of them can take longer than the
        // 10 s the other awaits allow; this test is about the paged scan, not about the speed of saves.
        CompletableFuture.allOf(saves).orTimeout(2, java.util.concurrent.TimeUnit.MINUTES).join();

        List<NarInfo> all = all(MAIN);

        assertEquals(infos.size(), all.size());
        assertEquals(infos.stream().sorted((a, b) -> a.storePath().hash().compareTo(b.storePath().hash())).toList(),
                all);
    }

    @Test
    void upgradingFromSchema4IndexesTheReferencesOfExistingRows() {
        await(db.close());
        db = null;
        for (String suffix : List.of("", "-wal", "-shm")) {
            try {
                Files.deleteIfExists(Path.of(file() + suffix));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        db = open(Migrations.ALL.subList(0, 4));
        repository = new SqliteNarInfoRepository(db);
        NarInfo lib = chain("lib", List.of());
        NarInfo app = chain("app", List.of(lib));
        await(repository.save(MAIN, lib));
        await(repository.save(MAIN, app));

        reopen(Migrations.ALL);

        assertEquals(java.util.Set.of(app.storePath().hash(), lib.storePath().hash()),
                await(repository.closure(MAIN, List.of(app.storePath().hash()))));
        assertEquals(List.of(app.storePath().hash()), await(repository.referrers(MAIN, lib.storePath().hash(), 10)));
    }

    @Test
    void rowsWrittenBehindTheRepositorysBackAreIndexedToo() {
        NarInfo lib = chain("lib", List.of());
        await(repository.save(MAIN, lib));
        NarInfo app = chain("app", List.of(lib));
        await(db.writer().preparedQuery("INSERT INTO narinfo (cache, hash, store_path, file_hash, compression,"
                + " file_size, nar_hash, nar_size, refs, sigs, created_at, last_accessed_at)"
                + " VALUES ('main', ?, ?, ?, 'xz', 1, ?, 1, ?, '', 0, 0)")
                .execute(io.vertx.sqlclient.Tuple.of(app.storePath().hash().value(), app.storePath().fullPath(),
                        app.fileHash().toString(), app.narHash().toString(), lib.storePath().baseName())));

        assertEquals(List.of(app.storePath().hash()), await(repository.referrers(MAIN, lib.storePath().hash(), 10)));
    }

    @Test
    void aCorruptRowIsAStorageException() {
        await(repository.save(MAIN, FULL));
        await(db.writer().query("UPDATE narinfo SET nar_hash = 'garbage'").execute());

        Throwable failure = failureOf(repository.find(MAIN, FULL.storePath().hash()));

        assertInstanceOf(StorageException.class, failure);
        assertTrue(failure.getMessage().contains(FULL.storePath().hash().value()), failure.getMessage());
    }

    @Test
    void failuresAreStorageExceptions() {
        await(db.close());
        db = null;

        assertInstanceOf(StorageException.class, failureOf(repository.save(MAIN, FULL)));
        assertInstanceOf(StorageException.class, failureOf(repository.find(MAIN, FULL.storePath().hash())));
        assertInstanceOf(StorageException.class, failureOf(repository.hashesAfter(MAIN, Optional.empty(), 10)));
        assertInstanceOf(StorageException.class,
                failureOf(repository.findMissing(MAIN, List.of(FULL.storePath().hash()))));
        assertInstanceOf(StorageException.class, failureOf(repository.delete(MAIN, FULL.storePath().hash())));
    }

    private List<Integer> appliedVersions() {
        return await(db.readers().query("SELECT version FROM schema_version ORDER BY version").execute()
                .map(rows -> {
                    List<Integer> versions = new ArrayList<>();
                    rows.forEach(row -> versions.add(row.getInteger(0)));
                    return versions;
                }));
    }

    private static <T> T await(Future<T> future) {
        return await(future.toCompletionStage());
    }

    private static Row single(Pool pool, String sql) {
        return await(pool.query(sql).execute().map(rows -> rows.iterator().next()));
    }
}
