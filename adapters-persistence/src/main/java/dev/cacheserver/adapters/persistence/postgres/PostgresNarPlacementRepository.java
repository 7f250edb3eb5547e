package dev.cacheserver.adapters.persistence.postgres;

import static dev.cacheserver.adapters.persistence.postgres.PostgresStages.stage;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarPlacementRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
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

/**
 * {@link NarPlacementRepository} on the {@code nar_placement}, {@code storage_usage} and {@code placement_state}
 * tables. A placement, its usage change and the round-robin position change in one transaction; the usage row is
 * updated in place ({@code bytes = bytes + n}), so replicas publishing at once never lose each other's counts.
 */
final class PostgresNarPlacementRepository implements NarPlacementRepository {
    private static final String COLUMNS = "file_name, storage, size, created_at";
    private static final String PAGE = "SELECT " + COLUMNS + " FROM nar_placement"
            + " WHERE cache = $1 AND file_name > $2 ORDER BY file_name LIMIT $3";
    private static final String FIND_ONE = "SELECT " + COLUMNS + " FROM nar_placement WHERE cache = $1 AND file_name = $2";
    private static final String RECORDED =
            "SELECT file_name FROM nar_placement WHERE cache = $1 AND file_name = ANY($2)";
    private static final String LOAD_USAGE = "SELECT storage, bytes, files FROM storage_usage WHERE cache = $1";
    private static final String LOAD_LAST = "SELECT last_placement FROM placement_state WHERE cache = $1";
    private static final String INSERT = """
            INSERT INTO nar_placement (cache, file_name, storage, size, created_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (cache, file_name) DO NOTHING""";
    private static final String ADD_USAGE = """
            INSERT INTO storage_usage (cache, storage, bytes, files) VALUES ($1, $2, $3, 1)
            ON CONFLICT (cache, storage) DO UPDATE SET bytes = storage_usage.bytes + excluded.bytes,
                                                       files = storage_usage.files + 1""";
    private static final String SET_LAST = """
            INSERT INTO placement_state (cache, last_placement) VALUES ($1, $2)
            ON CONFLICT (cache) DO UPDATE SET last_placement = excluded.last_placement""";
    private static final String DELETE =
            "DELETE FROM nar_placement WHERE cache = $1 AND file_name = $2 RETURNING storage, size";
    private static final String SUBTRACT_USAGE = """
            UPDATE storage_usage SET bytes = GREATEST(0, bytes - $1), files = GREATEST(0, files - 1)
            WHERE cache = $2 AND storage = $3""";

    private final PostgresDatabase db;
    private final Clock clock;

    PostgresNarPlacementRepository(PostgresDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public CompletionStage<State> state(CacheName cache) {
        Future<Optional<String>> last = db.pool().preparedQuery(LOAD_LAST).execute(Tuple.of(cache.value()))
                .map(rows -> rows.size() == 0 ? Optional.<String>empty() : Optional.of(rows.iterator().next().getString(0)));
        Future<Map<String, Usage>> usage = Future.fromCompletionStage(usage(cache));
        return stage(() -> "load storage state of " + cache, Future.all(usage, last)
                .map(all -> new State(usage.result(), last.result())));
    }

    @Override
    public CompletionStage<Optional<Placement>> find(CacheName cache, NarFile file) {
        return stage(() -> "find the storage of " + file.fileName(), db.pool().preparedQuery(FIND_ONE)
                .execute(Tuple.of(cache.value(), file.fileName()))
                .map(rows -> rows.size() == 0 ? Optional.<Placement>empty()
                        : Optional.of(placement(rows.iterator().next()))));
    }

    @Override
    public CompletionStage<List<Placement>> page(CacheName cache, Optional<NarFile> after, int limit) {
        return stage(() -> "list storage placements of " + cache, db.pool().preparedQuery(PAGE)
                .execute(Tuple.of(cache.value(), after.map(NarFile::fileName).orElse(""), limit)).map(result -> {
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
        String[] names = files.stream().map(NarFile::fileName).distinct().toArray(String[]::new);
        return stage(() -> "find which of " + files.size() + " NAR files are recorded in " + cache, db.pool()
                .preparedQuery(RECORDED).execute(PostgresStages.keyAndArray(cache.value(), names)).map(rows -> {
                    Set<NarFile> found = new HashSet<>();
                    for (Row row : rows) {
                        found.add(NarFile.parseFileName(row.getString(0)));
                    }
                    return Set.copyOf(found);
                }));
    }

    @Override
    public CompletionStage<Map<String, Usage>> usage(CacheName cache) {
        return stage(() -> "load storage usage of " + cache, db.pool().preparedQuery(LOAD_USAGE)
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
                db.pool().withTransaction(conn -> conn.preparedQuery(INSERT)
                        .execute(Tuple.of(cache.value(), file.fileName(), storage, size, clock.millis()))
                        .compose(inserted -> inserted.rowCount() == 0 ? Future.succeededFuture(false)
                                : afterInsert(conn, cache, storage, size, advancesRoundRobin).map(true))));
    }

    private static Future<Void> afterInsert(SqlConnection conn, CacheName cache, String storage, long size,
                                            boolean advancesRoundRobin) {
        Future<?> usage = conn.preparedQuery(ADD_USAGE).execute(Tuple.of(cache.value(), storage, size));
        if (!advancesRoundRobin) {
            return usage.mapEmpty();
        }
        return usage.compose(u -> conn.preparedQuery(SET_LAST).execute(Tuple.of(cache.value(), storage))).mapEmpty();
    }

    @Override
    public CompletionStage<Boolean> recordDeleted(CacheName cache, NarFile file) {
        return stage(() -> "forget " + file.fileName() + " of " + cache, db.pool().withTransaction(conn ->
                conn.preparedQuery(DELETE).execute(Tuple.of(cache.value(), file.fileName())).compose(rows -> {
                    if (rows.size() == 0) {
                        return Future.succeededFuture(false);
                    }
                    Row row = rows.iterator().next();
                    return conn.preparedQuery(SUBTRACT_USAGE)
                            .execute(Tuple.of(row.getLong(1), cache.value(), row.getString(0))).map(true);
                })));
    }

    private static Placement placement(Row row) {
        return new Placement(NarFile.parseFileName(row.getString(0)), row.getString(1), row.getLong(2),
                Instant.ofEpochMilli(row.getLong(3)));
    }
}
