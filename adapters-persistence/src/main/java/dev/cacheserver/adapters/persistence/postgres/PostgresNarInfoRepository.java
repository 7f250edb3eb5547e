package dev.cacheserver.adapters.persistence.postgres;

import static dev.cacheserver.adapters.persistence.postgres.PostgresStages.stage;

import dev.cacheserver.adapters.persistence.NarInfoRows;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.NarInfoRepository;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * {@link NarInfoRepository} on the {@code narinfo} table of a {@link PostgresDatabase}. References are indexed in
 * {@code narinfo_ref} (kept by a trigger), so closures and referrers are recursive queries; the garbage-collection
 * marks are {@link PostgresKeepMarks}. Sets of keys travel as one {@code text[]} parameter, so any batch is one
 * statement. A save keeps {@code created_at} and sets {@code last_accessed_at}.
 */
final class PostgresNarInfoRepository implements NarInfoRepository {
    private static final String UPSERT = """
            INSERT INTO narinfo (cache, hash, store_path, file_hash, compression, file_size, nar_hash, nar_size,
                                 refs, deriver, system, ca, sigs, created_at, last_accessed_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            ON CONFLICT (cache, hash) DO UPDATE SET
                store_path = excluded.store_path, file_hash = excluded.file_hash,
                compression = excluded.compression, file_size = excluded.file_size,
                nar_hash = excluded.nar_hash, nar_size = excluded.nar_size, refs = excluded.refs,
                deriver = excluded.deriver, system = excluded.system, ca = excluded.ca, sigs = excluded.sigs,
                last_accessed_at = excluded.last_accessed_at""";
    private static final String FIND = "SELECT " + NarInfoRows.COLUMNS + " FROM narinfo WHERE cache = $1 AND hash = $2";
    private static final String COUNT = "SELECT count(*) FROM narinfo WHERE cache = $1";
    private static final String HASHES_AFTER =
            "SELECT hash FROM narinfo WHERE cache = $1 AND hash > $2 ORDER BY hash LIMIT $3";
    /* UNION (not UNION ALL) drops paths already walked, so shared and cyclic references end the walk. */
    private static final String CLOSURE = """
            WITH RECURSIVE walk(hash) AS (
                SELECT hash FROM narinfo WHERE cache = $1 AND hash = ANY($2)
                UNION
                SELECT r.ref FROM walk JOIN narinfo_ref AS r ON r.cache = $1 AND r.hash = walk.hash
                WHERE EXISTS (SELECT 1 FROM narinfo AS n WHERE n.cache = $1 AND n.hash = r.ref)
            )
            SELECT hash FROM walk""";
    private static final String REFERRERS =
            "SELECT hash FROM narinfo_ref WHERE cache = $1 AND ref = $2 AND hash <> ref ORDER BY hash LIMIT $3";
    private static final String PATHS_USING =
            "SELECT hash FROM narinfo WHERE cache = $1 AND file_hash = $2 AND compression = $3 LIMIT $4";
    private static final String NAR_FILES_IN_USE =
            "SELECT DISTINCT file_hash, compression FROM narinfo WHERE cache = $1 AND file_hash = ANY($2)";
    private static final String FIND_MISSING = """
            SELECT h FROM unnest($2::text[]) AS h
            WHERE NOT EXISTS (SELECT 1 FROM narinfo AS n WHERE n.cache = $1 AND n.hash = h)""";
    private static final String DELETE = "DELETE FROM narinfo WHERE cache = $1 AND hash = $2";
    private static final String DELETE_ALL = "DELETE FROM narinfo WHERE cache = $1 AND hash = ANY($2)";
    /* strpos() rather than LIKE: the filter is taken literally (no % or _ wildcards to escape). */
    private static final String STORE_PATHS_AFTER = """
            SELECT store_path FROM narinfo WHERE cache = $1 AND hash > $2 AND strpos(store_path, $3) > 0
            ORDER BY hash LIMIT $4""";
    /* One row per NAR file: paths sharing a file count it once. */
    private static final String STORED_BYTES = """
            SELECT COALESCE(SUM(size), 0)::bigint FROM (SELECT MAX(file_size) AS size FROM narinfo WHERE cache = $1
                                                        GROUP BY file_hash, compression) AS files""";

    private final PostgresDatabase db;
    private final Clock clock;
    private final PostgresKeepMarks marks;
    private final PostgresAccessTimes accessTimes;

    PostgresNarInfoRepository(PostgresDatabase db) {
        this(db, Clock.systemUTC());
    }

    PostgresNarInfoRepository(PostgresDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.marks = new PostgresKeepMarks(db);
        this.accessTimes = new PostgresAccessTimes(db);
    }

    @Override
    public CompletionStage<Void> save(CacheName cache, NarInfo info) {
        return stage(() -> "save narinfo " + info.storePath().hash() + " in " + cache, db.pool().preparedQuery(UPSERT)
                .execute(NarInfoRows.toTuple(cache, info, clock.millis())).mapEmpty());
    }

    @Override
    public CompletionStage<Optional<NarInfo>> find(CacheName cache, StorePathHash hash) {
        return stage(() -> "find narinfo " + hash + " in " + cache, db.pool().preparedQuery(FIND)
                .execute(Tuple.of(cache.value(), hash.value()))
                .map(rows -> rows.size() == 0 ? Optional.<NarInfo>empty()
                        : Optional.of(NarInfoRows.fromRow(rows.iterator().next()))));
    }

    @Override
    public CompletionStage<Long> count(CacheName cache) {
        return stage(() -> "count narinfos of " + cache, db.pool().preparedQuery(COUNT)
                .execute(Tuple.of(cache.value())).map(rows -> rows.iterator().next().getLong(0)));
    }

    @Override
    public CompletionStage<List<StorePathHash>> hashesAfter(CacheName cache, Optional<StorePathHash> after, int limit) {
        return hashes(() -> "list narinfos of " + cache, HASHES_AFTER,
                Tuple.of(cache.value(), after.map(StorePathHash::value).orElse(""), limit));
    }

    @Override
    public CompletionStage<Set<StorePathHash>> closure(CacheName cache, Collection<StorePathHash> roots) {
        Set<StorePathHash> distinct = new LinkedHashSet<>(roots);
        if (distinct.isEmpty()) {
            return CompletableFuture.completedFuture(Set.of());
        }
        return stage(() -> "walk the closure of " + distinct.size() + " paths in " + cache, db.pool()
                .preparedQuery(CLOSURE)
                .collecting(Collectors.mapping(row -> new StorePathHash(row.getString(0)), Collectors.toSet()))
                .execute(PostgresStages.keyAndArray(cache.value(), keys(distinct))).map(SqlResult::value));
    }

    @Override
    public CompletionStage<List<StorePathHash>> referrers(CacheName cache, StorePathHash hash, int limit) {
        return hashes(() -> "find the referrers of " + hash + " in " + cache, REFERRERS,
                Tuple.of(cache.value(), hash.value(), limit));
    }

    @Override
    public CompletionStage<List<StorePathHash>> pathsUsing(CacheName cache, NarFile file, int limit) {
        return hashes(() -> "find the paths using " + file.fileName() + " in " + cache, PATHS_USING,
                Tuple.of(cache.value(), file.fileHash().toString(), file.compression().narInfoName(), limit));
    }

    @Override
    public CompletionStage<Set<NarFile>> narFilesInUse(CacheName cache, Collection<NarFile> files) {
        Set<NarFile> asked = Set.copyOf(files);
        if (asked.isEmpty()) {
            return CompletableFuture.completedFuture(Set.of());
        }
        String[] fileHashes = asked.stream().map(f -> f.fileHash().toString()).distinct().toArray(String[]::new);
        return stage(() -> "find which of " + asked.size() + " NAR files are in use in " + cache, db.pool()
                .preparedQuery(NAR_FILES_IN_USE)
                .collecting(Collectors.mapping(row -> new NarFile(NixHash.parse("file_hash", row.getString(0)),
                        Compression.fromNarInfo(row.getString(1))), Collectors.toSet()))
                .execute(PostgresStages.keyAndArray(cache.value(), fileHashes))
                .map(result -> {
                    Set<NarFile> used = new HashSet<>(result.value());
                    used.retainAll(asked);
                    return Set.copyOf(used);
                }));
    }

    @Override
    public CompletionStage<Set<StorePathHash>> findMissing(CacheName cache, Collection<StorePathHash> hashes) {
        Set<StorePathHash> distinct = new LinkedHashSet<>(hashes);
        if (distinct.isEmpty()) {
            return CompletableFuture.completedFuture(Set.of());
        }
        return stage(() -> "find missing narinfos in " + cache, db.pool().preparedQuery(FIND_MISSING)
                .collecting(Collectors.mapping(row -> new StorePathHash(row.getString(0)),
                        Collectors.toUnmodifiableSet()))
                .execute(PostgresStages.keyAndArray(cache.value(), keys(distinct)))
                .map(SqlResult::value));
    }

    @Override
    public CompletionStage<Boolean> delete(CacheName cache, StorePathHash hash) {
        return stage(() -> "delete narinfo " + hash + " in " + cache, db.pool().preparedQuery(DELETE)
                .execute(Tuple.of(cache.value(), hash.value())).map(result -> result.rowCount() > 0));
    }

    @Override
    public CompletionStage<Integer> deleteAll(CacheName cache, Collection<StorePathHash> hashes) {
        Set<StorePathHash> distinct = new LinkedHashSet<>(hashes);
        if (distinct.isEmpty()) {
            return CompletableFuture.completedFuture(0);
        }
        return stage(() -> "delete " + distinct.size() + " narinfos in " + cache, db.pool().preparedQuery(DELETE_ALL)
                .execute(PostgresStages.keyAndArray(cache.value(), keys(distinct))).map(SqlResult::rowCount));
    }

    @Override
    public CompletionStage<Void> touch(CacheName cache, Map<StorePathHash, Instant> accessedAt) {
        return accessTimes.touch(cache, accessedAt);
    }

    @Override
    public CompletionStage<Void> touchNars(CacheName cache, Map<NarFile, Instant> readAt) {
        return accessTimes.touchNars(cache, readAt);
    }

    @Override
    public CompletionStage<Optional<Instant>> lastAccess(CacheName cache, StorePathHash hash) {
        return accessTimes.lastAccess(cache, hash);
    }

    @Override
    public CompletionStage<Void> clearKeepMarks(CacheName cache) {
        return marks.clear(cache);
    }

    @Override
    public CompletionStage<Long> markKept(CacheName cache, Instant accessedSince, Collection<StorePathHash> pinned) {
        return marks.markKept(cache, accessedSince, pinned);
    }

    @Override
    public CompletionStage<List<NarInfo>> unmarkedPage(CacheName cache, Instant accessedBefore,
                                                       Optional<StorePathHash> after, int limit) {
        return marks.unmarkedPage(cache, Long.MIN_VALUE, accessedBefore, after, limit);
    }

    @Override
    public CompletionStage<List<NarInfo>> unmarkedPage(CacheName cache, Instant accessedSince, Instant accessedBefore,
                                                       Optional<StorePathHash> after, int limit) {
        return marks.unmarkedPage(cache, accessedSince.toEpochMilli(), accessedBefore, after, limit);
    }

    @Override
    public CompletionStage<List<StorePath>> storePathsAfter(CacheName cache, String filter,
                                                            Optional<StorePathHash> after, int limit) {
        Tuple params = Tuple.of(cache.value(), after.map(StorePathHash::value).orElse(""), filter, limit);
        return stage(() -> "list the store paths of " + cache, db.pool().preparedQuery(STORE_PATHS_AFTER)
                .collecting(Collectors.mapping(row -> StorePath.parse(row.getString(0)), Collectors.toList()))
                .execute(params).map(SqlResult::value));
    }

    @Override
    public CompletionStage<Long> storedBytes(CacheName cache) {
        return stage(() -> "sum the NAR bytes of " + cache, db.pool().preparedQuery(STORED_BYTES)
                .execute(Tuple.of(cache.value())).map(rows -> rows.iterator().next().getLong(0)));
    }

    @Override
    public CompletionStage<Long> keptBytes(CacheName cache) {
        return marks.keptBytes(cache);
    }

    @Override
    public CompletionStage<List<StorePathHash>> unmarkedByRecency(CacheName cache, Instant accessedSince,
                                                                  Instant accessedBefore, int limit) {
        return marks.unmarkedByRecency(cache, accessedSince, accessedBefore, limit);
    }

    /** The cursor only saves work (SQLite uses it); the answer without it is the same, by the contract. */
    @Override
    public CompletionStage<List<StorePathHash>> unmarkedByRecency(CacheName cache, Instant accessedSince,
                                                                  Instant accessedBefore,
                                                                  java.util.Optional<StorePathHash> after, int limit) {
        return marks.unmarkedByRecency(cache, accessedSince, accessedBefore, limit);
    }

    @Override
    public CompletionStage<KeptWithin> markKeptWithin(CacheName cache, List<StorePathHash> paths, long budget) {
        return marks.markKeptWithin(cache, paths, budget);
    }

    private CompletionStage<List<StorePathHash>> hashes(java.util.function.Supplier<String> action, String sql,
                                                        Tuple params) {
        return stage(action, db.pool().preparedQuery(sql)
                .collecting(Collectors.mapping((Row row) -> new StorePathHash(row.getString(0)), Collectors.toList()))
                .execute(params).map(SqlResult::value));
    }

    static String[] keys(Collection<StorePathHash> hashes) {
        return hashes.stream().map(StorePathHash::value).toArray(String[]::new);
    }
}
