package dev.cacheserver.adapters.persistence;

import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarPlacementRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.core.json.JsonArray;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * {@link NarPlacementRepository} on the {@code nar_placement}, {@code storage_usage} and {@code placement_state}
 * tables. A placement, its usage change and the round-robin position change in one write transaction, so the
 * usage never drifts from the placements. Failures are {@link StorageException}s.
 */
public final class SqliteNarPlacementRepository implements NarPlacementRepository {
    private static final String FIRST_PAGE = "SELECT file_name, storage, size, created_at FROM nar_placement"
            + " WHERE cache = ? ORDER BY file_name LIMIT ?";
    private static final String NEXT_PAGE = "SELECT file_name, storage, size, created_at FROM nar_placement"
            + " WHERE cache = ? AND file_name > ? ORDER BY file_name LIMIT ?";
    private static final String FIND_ONE =
            "SELECT file_name, storage, size, created_at FROM nar_placement WHERE cache = ? AND file_name = ?";
    private static final String RECORDED = "SELECT file_name FROM nar_placement"
            + " WHERE cache = ? AND file_name IN (SELECT value FROM json_each(?))";
    private static final String LOAD_USAGE = "SELECT storage, bytes, files FROM storage_usage WHERE cache = ?";
    private static final String LOAD_LAST = "SELECT last_placement FROM placement_state WHERE cache = ?";
    private static final String INSERT = """
            INSERT INTO nar_placement (cache, file_name, storage, size, created_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (cache, file_name) DO NOTHING""";
    private static final String ADD_USAGE = """
            INSERT INTO storage_usage (cache, storage, bytes, files) VALUES (?, ?, ?, 1)
            ON CONFLICT (cache, storage) DO UPDATE SET bytes = bytes + excluded.bytes, files = files + 1""";
    private static final String SET_LAST = """
            INSERT INTO placement_state (cache, last_placement) VALUES (?, ?)
            ON CONFLICT (cache) DO UPDATE SET last_placement = excluded.last_placement""";
    private static final String FIND = "SELECT storage, size FROM nar_placement WHERE cache = ? AND file_name = ?";
    private static final String DELETE = "DELETE FROM nar_placement WHERE cache = ? AND file_name = ?";
    private static final String SUBTRACT_USAGE = """
            UPDATE storage_usage SET bytes = max(0, bytes - ?), files = max(0, files - 1)
            WHERE cache = ? AND storage = ?""";

    private final SqliteDatabase db;
    private final Clock clock;

    public SqliteNarPlacementRepository(SqliteDatabase db) {
        this(db, Clock.systemUTC());
    }

    public SqliteNarPlacementRepository(SqliteDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public CompletionStage<State> state(CacheName cache) {
        Tuple key = Tuple.of(cache.value());
        Future<Optional<String>> last = db.readers().preparedQuery(LOAD_LAST).execute(key)
                .map(rows -> rows.size() == 0 ? Optional.<String>empty() : Optional.of(rows.iterator().next().getString(0)));
        Future<Map<String, Usage>> usage = Future.fromCompletionStage(usage(cache));
        return stage(() -> "load storage state of " + cache, Future.all(usage, last)
                .map(all -> new State(usage.result(), last.result())));
    }

    /** On the dedicated lookup connections, like a narinfo: a NAR download asks this first. */
    @Override
    public CompletionStage<Optional<Placement>> find(CacheName cache, NarFile file) {
        return db.lookups().first(FIND_ONE, List.of(cache.value(), file.fileName()), row -> new Placement(
                NarFile.parseFileName(row.getString(1)), row.getString(2), row.getLong(3),
                Instant.ofEpochMilli(row.getLong(4))));
    }

    @Override
    public CompletionStage<List<Placement>> page(CacheName cache, Optional<NarFile> after, int limit) {
        Future<RowSet<Row>> rows = after.isEmpty()
                ? db.readers().preparedQuery(FIRST_PAGE).execute(Tuple.of(cache.value(), limit))
                : db.readers().preparedQuery(NEXT_PAGE).execute(Tuple.of(cache.value(), after.get().fileName(), limit));
        return stage(() -> "list storage placements of " + cache, rows.map(result -> {
            List<Placement> page = new ArrayList<>(result.size());
            for (Row row : result) {
                page.add(placement(row));
            }
            return page;
        }));
    }

    @Override
    public CompletionStage<Set<NarFile>> recorded(CacheName cache, Collection<NarFile> files) {
        if (files.isEmpty()) {
            return CompletableFuture.completedFuture(Set.of());
        }
        JsonArray names = new JsonArray();
        files.forEach(f -> names.add(f.fileName()));
        return stage(() -> "find which of " + files.size() + " NAR files are recorded in " + cache, db.readers()
                .preparedQuery(RECORDED).execute(Tuple.of(cache.value(), names.encode())).map(rows -> {
                    Set<NarFile> found = new HashSet<>();
                    for (Row row : rows) {
                        found.add(NarFile.parseFileName(row.getString(0)));
                    }
                    return Set.copyOf(found);
                }));
    }

    private static Placement placement(Row row) {
        return new Placement(NarFile.parseFileName(row.getString(0)), row.getString(1), row.getLong(2),
                Instant.ofEpochMilli(row.getLong(3)));
    }

    @Override
    public CompletionStage<Map<String, Usage>> usage(CacheName cache) {
        return stage(() -> "load storage usage of " + cache, db.readers().preparedQuery(LOAD_USAGE)
                .execute(Tuple.of(cache.value())).map(rows -> {
                    Map<String, Usage> map = new HashMap<>();
                    for (Row row : rows) {
                        map.put(row.getString(0), new Usage(row.getLong(1), row.getLong(2)));
                    }
                    return Map.copyOf(map);
                }));
    }

    @Override
    public CompletionStage<Boolean> recordPublished(CacheName cache, String storage, NarFile file, long size,
                                                    boolean advancesRoundRobin) {
        return stage(() -> "record " + file.fileName() + " in storage " + storage + " of " + cache,
                db.inWriteTransaction(conn -> conn.preparedQuery(INSERT)
                        .execute(Tuple.of(cache.value(), file.fileName(), storage, size, clock.millis()))
                        .compose(inserted -> inserted.rowCount() == 0 ? Future.succeededFuture(false)
                                : afterInsert(conn, cache, storage, size, advancesRoundRobin).map(true))));
    }

    private static Future<Void> afterInsert(SqlConnection conn, CacheName cache, String storage, long size,
                                            boolean advancesRoundRobin) {
        Future<RowSet<Row>> usage = conn.preparedQuery(ADD_USAGE).execute(Tuple.of(cache.value(), storage, size));
        if (!advancesRoundRobin) {
            return usage.mapEmpty();
        }
        return usage.compose(u -> conn.preparedQuery(SET_LAST).execute(Tuple.of(cache.value(), storage))).mapEmpty();
    }

    @Override
    public CompletionStage<Boolean> recordDeleted(CacheName cache, NarFile file) {
        Tuple key = Tuple.of(cache.value(), file.fileName());
        return stage(() -> "forget " + file.fileName() + " of " + cache, db.inWriteTransaction(conn ->
                conn.preparedQuery(FIND).execute(key).compose(rows -> {
                    if (rows.size() == 0) {
                        return Future.succeededFuture(false);
                    }
                    Row row = rows.iterator().next();
                    return conn.preparedQuery(DELETE).execute(key)
                            .compose(deleted -> conn.preparedQuery(SUBTRACT_USAGE)
                                    .execute(Tuple.of(row.getLong(1), cache.value(), row.getString(0))))
                            .map(true);
                })));
    }

    private static <T> CompletionStage<T> stage(Supplier<String> action, Future<T> future) {
        return future.recover(e -> Future.failedFuture(e instanceof StorageException ? e
                : new StorageException(action.get() + " failed: " + e.getMessage(), e))).toCompletionStage();
    }
}
