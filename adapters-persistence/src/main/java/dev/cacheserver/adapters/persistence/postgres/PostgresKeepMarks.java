package dev.cacheserver.adapters.persistence.postgres;

import static dev.cacheserver.adapters.persistence.postgres.PostgresStages.stage;

import dev.cacheserver.adapters.persistence.NarInfoRows;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.NarInfoRepository.KeptWithin;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * The garbage-collection marks of the narinfo repository on PostgreSQL: the {@code gc_keep} table, filled by
 * recursive walks over {@code narinfo_ref}, and the queries a sweep pages through. Only one replica sweeps at a
 * time (the sweep lock), so the marks of a cache have one writer.
 */
final class PostgresKeepMarks {
    private static final String COLUMNS = "n." + NarInfoRows.COLUMNS.replace(", ", ", n.");
    private static final String CLEAR = "DELETE FROM gc_keep WHERE cache = $1";
    private static final String COUNT = "SELECT count(*) FROM narinfo WHERE cache = $1";
    /* A path already marked is not walked again: its closure was marked with it. */
    private static final String MARK_KEPT = """
            WITH RECURSIVE walk(hash) AS (
                SELECT seed.hash FROM (
                    SELECT n.hash FROM narinfo AS n WHERE n.cache = $1 AND n.last_accessed_at >= $2
                        AND NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = $1 AND k.hash = n.hash)
                    UNION
                    SELECT hash FROM narinfo WHERE cache = $1 AND hash = ANY($3)
                ) AS seed
                UNION
                SELECT r.ref FROM walk JOIN narinfo_ref AS r ON r.cache = $1 AND r.hash = walk.hash
                WHERE NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = $1 AND k.hash = r.ref)
            )
            INSERT INTO gc_keep (cache, hash)
            SELECT $1, walk.hash FROM walk
            WHERE EXISTS (SELECT 1 FROM narinfo AS n WHERE n.cache = $1 AND n.hash = walk.hash)
            ON CONFLICT DO NOTHING""";
    private static final String UNMARKED = "SELECT " + COLUMNS + """
             FROM narinfo AS n WHERE n.cache = $1 AND n.last_accessed_at < $2 AND n.last_accessed_at >= $3
                AND n.hash > $4
                AND NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = $1 AND k.hash = n.hash)
            ORDER BY n.hash LIMIT $5""";
    private static final String KEPT_BYTES = """
            SELECT COALESCE(SUM(size), 0)::bigint FROM (
                SELECT MAX(n.file_size) AS size FROM gc_keep AS k
                JOIN narinfo AS n ON n.cache = k.cache AND n.hash = k.hash
                WHERE k.cache = $1 GROUP BY n.file_hash, n.compression) AS files""";
    private static final String UNMARKED_BY_RECENCY = """
            SELECT n.hash FROM narinfo AS n
            WHERE n.cache = $1 AND n.last_accessed_at >= $2 AND n.last_accessed_at < $3
                AND NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = $1 AND k.hash = n.hash)
            ORDER BY n.last_accessed_at DESC, n.hash LIMIT $4""";
    /* The unmarked part of the closure of some paths; $1 cache, $2 the paths. */
    private static final String UNMARKED_CLOSURE = """
            WITH RECURSIVE walk(hash) AS (
                SELECT n.hash FROM narinfo AS n WHERE n.cache = $1 AND n.hash = ANY($2)
                    AND NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = $1 AND k.hash = n.hash)
                UNION
                SELECT r.ref FROM walk JOIN narinfo_ref AS r ON r.cache = $1 AND r.hash = walk.hash
                WHERE NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = $1 AND k.hash = r.ref)
                    AND EXISTS (SELECT 1 FROM narinfo AS n WHERE n.cache = $1 AND n.hash = r.ref)
            )
            """;
    private static final String UNMARKED_CLOSURE_BYTES = UNMARKED_CLOSURE + """
            SELECT COALESCE(SUM(size), 0)::bigint FROM (
                SELECT MAX(n.file_size) AS size FROM walk JOIN narinfo AS n ON n.cache = $1 AND n.hash = walk.hash
                WHERE NOT EXISTS (SELECT 1 FROM narinfo AS m JOIN gc_keep AS k ON k.cache = m.cache AND k.hash = m.hash
                                  WHERE m.cache = $1 AND m.file_hash = n.file_hash AND m.compression = n.compression)
                GROUP BY n.file_hash, n.compression) AS files""";
    private static final String MARK_UNMARKED_CLOSURE = UNMARKED_CLOSURE
            + "INSERT INTO gc_keep (cache, hash) SELECT $1, hash FROM walk ON CONFLICT DO NOTHING";

    private final PostgresDatabase db;

    PostgresKeepMarks(PostgresDatabase db) {
        this.db = db;
    }

    CompletionStage<Void> clear(CacheName cache) {
        return stage(() -> "clear the sweep marks of " + cache, db.pool().preparedQuery(CLEAR)
                .execute(Tuple.of(cache.value())).mapEmpty());
    }

    CompletionStage<Long> markKept(CacheName cache, Instant accessedSince, Collection<StorePathHash> pinned) {
        String[] pins = PostgresNarInfoRepository.keys(new LinkedHashSet<>(pinned));
        return stage(() -> "mark the paths to keep in " + cache, db.pool().withTransaction(conn -> conn
                .preparedQuery(MARK_KEPT).execute(Tuple.of(cache.value(), accessedSince.toEpochMilli(), pins))
                .compose(marked -> conn.preparedQuery(COUNT).execute(Tuple.of(cache.value())))
                .map(rows -> rows.iterator().next().getLong(0))));
    }

    CompletionStage<List<NarInfo>> unmarkedPage(CacheName cache, long accessedSinceMillis, Instant accessedBefore,
                                                Optional<StorePathHash> after, int limit) {
        Tuple params = Tuple.of(cache.value(), accessedBefore.toEpochMilli(), accessedSinceMillis,
                after.map(StorePathHash::value).orElse(""), limit);
        return stage(() -> "list the paths a sweep of " + cache + " may delete", db.pool().preparedQuery(UNMARKED)
                .collecting(Collectors.mapping(NarInfoRows::fromRow, Collectors.toList()))
                .execute(params).map(SqlResult::value));
    }

    CompletionStage<Long> keptBytes(CacheName cache) {
        return stage(() -> "sum the kept NAR bytes of " + cache, db.pool().preparedQuery(KEPT_BYTES)
                .execute(Tuple.of(cache.value())).map(rows -> rows.iterator().next().getLong(0)));
    }

    CompletionStage<List<StorePathHash>> unmarkedByRecency(CacheName cache, Instant accessedSince,
                                                           Instant accessedBefore, int limit) {
        return stage(() -> "list the most recently used paths of " + cache, db.pool()
                .preparedQuery(UNMARKED_BY_RECENCY)
                .collecting(Collectors.mapping(row -> new StorePathHash(row.getString(0)), Collectors.toList()))
                .execute(Tuple.of(cache.value(), accessedSince.toEpochMilli(), accessedBefore.toEpochMilli(), limit))
                .map(SqlResult::value));
    }

    /*
     * One transaction for the whole batch; each statement sees the marks made before it. When the closures of the
     * whole batch fit together they are marked in two statements; only the batch where the budget runs out goes
     * path by path.
     */
    CompletionStage<KeptWithin> markKeptWithin(CacheName cache, List<StorePathHash> paths, long budget) {
        List<StorePathHash> ordered = List.copyOf(paths);
        if (ordered.isEmpty()) {
            return CompletableFuture.completedFuture(new KeptWithin(0, false));
        }
        Tuple all = PostgresStages.keyAndArray(cache.value(), PostgresNarInfoRepository.keys(new LinkedHashSet<>(ordered)));
        return stage(() -> "mark closures within a budget in " + cache, db.pool().withTransaction(conn -> conn
                .preparedQuery(UNMARKED_CLOSURE_BYTES).execute(all)
                .map(rows -> rows.iterator().next().getLong(0))
                .compose(bytes -> bytes <= budget
                        ? conn.preparedQuery(MARK_UNMARKED_CLOSURE).execute(all).map(marked -> new KeptWithin(bytes, false))
                        : keepEach(conn, cache, ordered, 0, new KeptWithin(0, false), budget))));
    }

    private static Future<KeptWithin> keepEach(SqlConnection conn, CacheName cache, List<StorePathHash> paths,
                                               int index, KeptWithin so, long budget) {
        if (index == paths.size()) {
            return Future.succeededFuture(so);
        }
        Tuple params = PostgresStages.keyAndArray(cache.value(), PostgresNarInfoRepository.keys(Set.of(paths.get(index))));
        return conn.preparedQuery(UNMARKED_CLOSURE_BYTES).execute(params)
                .map(rows -> rows.iterator().next().getLong(0))
                .compose(bytes -> so.bytes() + bytes > budget ? Future.succeededFuture(new KeptWithin(so.bytes(), true))
                        : conn.preparedQuery(MARK_UNMARKED_CLOSURE).execute(params).compose(marked -> keepEach(conn,
                                cache, paths, index + 1, new KeptWithin(so.bytes() + bytes, false), budget)));
    }
}
