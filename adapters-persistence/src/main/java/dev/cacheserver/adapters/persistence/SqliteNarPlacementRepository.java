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
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * {@link NarPlacementRepository} on the {@code nar_placement}, {@code storage_usage} and {@code placement_state}
 * tables. A placement, its usage change and the round-robin position change in one write transaction, so the
 * usage never drifts from the placements. Failures are {@link StorageException}s.
 */
public final class SqliteNarPlacementRepository implements NarPlacementRepository {
    private static final String LOAD_PLACEMENTS =
            "SELECT file_name, storage, size FROM nar_placement WHERE cache = ? ORDER BY file_name";
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
    public CompletionStage<Snapshot> load(CacheName cache) {
        Tuple key = Tuple.of(cache.value());
        Future<List<Placement>> placements = db.readers().preparedQuery(LOAD_PLACEMENTS).execute(key).map(rows -> {
            List<Placement> list = new ArrayList<>(rows.size());
            for (Row row : rows) {
                list.add(new Placement(NarFile.parseFileName(row.getString(0)), row.getString(1), row.getLong(2)));
            }
            return list;
        });
        Future<Map<String, Usage>> usage = db.readers().preparedQuery(LOAD_USAGE).execute(key).map(rows -> {
            Map<String, Usage> map = new HashMap<>();
            for (Row row : rows) {
                map.put(row.getString(0), new Usage(row.getLong(1), row.getLong(2)));
            }
            return map;
        });
        Future<Optional<String>> last = db.readers().preparedQuery(LOAD_LAST).execute(key)
                .map(rows -> rows.size() == 0 ? Optional.<String>empty() : Optional.of(rows.iterator().next().getString(0)));
        return stage(() -> "load storage placement of " + cache, Future.all(placements, usage, last)
                .map(all -> new Snapshot(placements.result(), usage.result(), last.result())));
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
    public CompletionStage<Void> recordPublished(CacheName cache, String storage, NarFile file, long size,
                                                 boolean advancesRoundRobin) {
        return stage(() -> "record " + file.fileName() + " in storage " + storage + " of " + cache,
                db.inWriteTransaction(conn -> conn.preparedQuery(INSERT)
                        .execute(Tuple.of(cache.value(), file.fileName(), storage, size, clock.millis()))
                        .compose(inserted -> inserted.rowCount() == 0 ? Future.<Void>succeededFuture()
                                : afterInsert(conn, cache, storage, size, advancesRoundRobin))));
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
