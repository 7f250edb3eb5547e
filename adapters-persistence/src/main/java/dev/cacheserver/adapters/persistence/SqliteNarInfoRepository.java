package dev.cacheserver.adapters.persistence;

import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.NarInfoRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import dev.cacheserver.domain.model.StorePath;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@link NarInfoRepository} on the {@code narinfo} table of a {@link SqliteDatabase}: writes go through the
 * writer pool, key lookups through the database's dedicated read-only lookup connections, other reads through the
 * reader pool; every statement runs off the calling thread. References are indexed in {@code narinfo_ref} (kept
 * by triggers), so closures and referrers are queries; garbage-collection marks live in {@code gc_keep}. A save
 * keeps the row's {@code created_at} and sets {@code last_accessed_at}; reads do not touch either. Failures are
 * {@link StorageException}s.
 */
public final class SqliteNarInfoRepository implements NarInfoRepository {
    private static final String UPSERT = """
            INSERT INTO narinfo (cache, hash, store_path, file_hash, compression, file_size, nar_hash, nar_size,
                                 refs, deriver, system, ca, sigs, created_at, last_accessed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (cache, hash) DO UPDATE SET
                store_path = excluded.store_path, file_hash = excluded.file_hash,
                compression = excluded.compression, file_size = excluded.file_size,
                nar_hash = excluded.nar_hash, nar_size = excluded.nar_size, refs = excluded.refs,
                deriver = excluded.deriver, system = excluded.system, ca = excluded.ca, sigs = excluded.sigs,
                last_accessed_at = excluded.last_accessed_at""";
    private static final String FIND =
            "SELECT " + NarInfoRows.COLUMNS + " FROM narinfo WHERE cache = ? AND hash = ?";
    private static final String COUNT = "SELECT count(*) FROM narinfo WHERE cache = ?";
    private static final String HASHES_FROM_START =
            "SELECT hash FROM narinfo WHERE cache = ? ORDER BY hash LIMIT ?";
    private static final String HASHES_AFTER =
            "SELECT hash FROM narinfo WHERE cache = ? AND hash > ? ORDER BY hash LIMIT ?";
    /*
     * UNION (not UNION ALL) makes SQLite remember visited paths, so shared and cyclic references end the walk.
     * CROSS JOIN pins the join order (walk first, then its references by primary key): left to itself, SQLite
     * 3.5x may scan every reference of the cache once per visited path.
     */
    private static final String CLOSURE = """
            WITH RECURSIVE walk(hash) AS (
                SELECT hash FROM narinfo WHERE hash IN (SELECT value FROM json_each(?)) AND cache = ?
                UNION
                SELECT r.ref FROM walk CROSS JOIN narinfo_ref AS r ON r.cache = ? AND r.hash = walk.hash
                WHERE EXISTS (SELECT 1 FROM narinfo AS n WHERE n.cache = r.cache AND n.hash = r.ref)
            )
            SELECT hash FROM walk""";
    private static final String REFERRERS =
            "SELECT hash FROM narinfo_ref WHERE cache = ? AND ref = ? AND hash <> ref ORDER BY hash LIMIT ?";
    private static final String PATHS_USING =
            "SELECT hash FROM narinfo WHERE cache = ? AND file_hash = ? AND compression = ? LIMIT ?";
    /* "IN (subquery)" makes SQLite look each file hash up in the index; a join may scan the whole index instead. */
    private static final String NAR_FILES_IN_USE = """
            SELECT DISTINCT file_hash, compression FROM narinfo
            WHERE cache = ? AND file_hash IN (SELECT value FROM json_each(?))""";
    private static final String TOUCH_NAR = "UPDATE narinfo SET last_accessed_at = MAX(last_accessed_at, ?)"
            + " WHERE cache = ? AND file_hash = ? AND compression = ?";
    private static final String CLEAR_MARKS = "DELETE FROM gc_keep WHERE cache = ?";
    /*
     * Starts from the paths accessed since the instant and the pins; a path already marked is not walked again
     * (its closure was marked with it), which makes a repeated mark with a later instant cheap.
     */
    private static final String MARK_KEPT = """
            INSERT OR IGNORE INTO gc_keep (cache, hash)
            WITH RECURSIVE walk(hash) AS (
                SELECT n.hash FROM narinfo AS n WHERE n.cache = ?1 AND n.last_accessed_at >= ?2
                    AND NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = ?1 AND k.hash = n.hash)
                UNION
                SELECT hash FROM narinfo WHERE cache = ?1 AND hash IN (SELECT value FROM json_each(?3))
                UNION
                SELECT r.ref FROM walk CROSS JOIN narinfo_ref AS r ON r.cache = ?1 AND r.hash = walk.hash
                WHERE NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = ?1 AND k.hash = r.ref)
            )
            SELECT ?1, walk.hash FROM walk
            WHERE EXISTS (SELECT 1 FROM narinfo AS n WHERE n.cache = ?1 AND n.hash = walk.hash)""";
    /*
     * "+n.last_accessed_at" keeps SQLite from using the access-time index here: walking the primary key in order
     * and stopping at the LIMIT reads each row once over a whole scan, where the index would read every old row
     * and sort them for each page.
     */
    private static final String UNMARKED_FROM_START = "SELECT " + prefixed("n.") + """
             FROM narinfo AS n WHERE n.cache = ?1 AND +n.last_accessed_at < ?2
                AND NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = ?1 AND k.hash = n.hash)
            ORDER BY n.hash LIMIT ?3""";
    private static final String UNMARKED_AFTER = "SELECT " + prefixed("n.") + """
             FROM narinfo AS n WHERE n.cache = ?1 AND +n.last_accessed_at < ?2 AND n.hash > ?4
                AND NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = ?1 AND k.hash = n.hash)
            ORDER BY n.hash LIMIT ?3""";
    private static final String UNMARKED_SINCE = "SELECT " + prefixed("n.") + """
             FROM narinfo AS n WHERE n.cache = ?1 AND +n.last_accessed_at < ?2 AND +n.last_accessed_at >= ?5
                AND n.hash > ?4
                AND NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = ?1 AND k.hash = n.hash)
            ORDER BY n.hash LIMIT ?3""";
    /* instr() rather than LIKE: the filter is taken literally (no % or _ wildcards to escape). */
    private static final String STORE_PATHS_AFTER = """
            SELECT store_path FROM narinfo WHERE cache = ?1 AND hash > ?2 AND instr(store_path, ?3) > 0
            ORDER BY hash LIMIT ?4""";
    private static final String LAST_ACCESS = "SELECT last_accessed_at FROM narinfo WHERE cache = ? AND hash = ?";
    /* One row per NAR file: paths sharing a file count it once. */
    private static final String STORED_BYTES = """
            SELECT COALESCE(SUM(size), 0) FROM (SELECT MAX(file_size) AS size FROM narinfo WHERE cache = ?
                                                GROUP BY file_hash, compression)""";
    private static final String KEPT_BYTES = """
            SELECT COALESCE(SUM(size), 0) FROM (
                SELECT MAX(n.file_size) AS size FROM gc_keep AS k
                JOIN narinfo AS n ON n.cache = k.cache AND n.hash = k.hash
                WHERE k.cache = ? GROUP BY n.file_hash, n.compression)""";
    /* Backwards over the access-time index: the most recent first, stopping at the LIMIT. */
    private static final String UNMARKED_BY_RECENCY = """
            SELECT n.hash FROM narinfo AS n
            WHERE n.cache = ?1 AND n.last_accessed_at >= ?2 AND n.last_accessed_at < ?3
                AND NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = ?1 AND k.hash = n.hash)
            ORDER BY n.last_accessed_at DESC, n.hash LIMIT ?4""";
    /*
     * The same, continuing after the cursor path (?5, last accessed at ?6) instead of passing over every path marked
     * before it, which made each page cost more than the last. The caller narrows ?3 to just past ?6, so the
     * access-time index is entered at the cursor; the OR only sorts out the cursor's ties.
     */
    private static final String UNMARKED_BY_RECENCY_AFTER = """
            SELECT n.hash FROM narinfo AS n
            WHERE n.cache = ?1 AND n.last_accessed_at >= ?2 AND n.last_accessed_at < ?3
                AND (n.last_accessed_at < ?6 OR n.hash > ?5)
                AND NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = ?1 AND k.hash = n.hash)
            ORDER BY n.last_accessed_at DESC, n.hash LIMIT ?4""";
    /* The unmarked part of the closure of some paths; ?1 cache, ?2 the paths as a JSON array. */
    private static final String UNMARKED_CLOSURE = """
            WITH RECURSIVE walk(hash) AS (
                SELECT n.hash FROM narinfo AS n WHERE n.cache = ?1 AND n.hash IN (SELECT value FROM json_each(?2))
                    AND NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = ?1 AND k.hash = n.hash)
                UNION
                SELECT r.ref FROM walk CROSS JOIN narinfo_ref AS r ON r.cache = ?1 AND r.hash = walk.hash
                WHERE NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = ?1 AND k.hash = r.ref)
                    AND EXISTS (SELECT 1 FROM narinfo AS n WHERE n.cache = ?1 AND n.hash = r.ref)
            )
            """;
    /*
     * "walk CROSS JOIN narinfo" fixes the join order: left to itself, SQLite 3.54 scans the whole narinfo_by_file
     * index to avoid sorting for the GROUP BY, which made each batch cost a pass over the cache (quadratic sweeps).
     */
    private static final String UNMARKED_CLOSURE_BYTES = UNMARKED_CLOSURE + """
            SELECT COALESCE(SUM(size), 0) FROM (
                SELECT MAX(n.file_size) AS size FROM walk CROSS JOIN narinfo AS n ON n.cache = ?1 AND n.hash = walk.hash
                WHERE NOT EXISTS (SELECT 1 FROM narinfo AS m JOIN gc_keep AS k ON k.cache = m.cache AND k.hash = m.hash
                                  WHERE m.cache = ?1 AND m.file_hash = n.file_hash AND m.compression = n.compression)
                GROUP BY n.file_hash, n.compression)""";
    private static final String MARK_UNMARKED_CLOSURE =
            "INSERT OR IGNORE INTO gc_keep (cache, hash) " + UNMARKED_CLOSURE + "SELECT ?1, hash FROM walk";
    /*
     * The hashes travel as one JSON array parameter, so any number of them is one statement with two
     * parameters (no 999/32766 parameter limit, no chunking), and each is a primary-key lookup.
     */
    private static final String FIND_MISSING = """
            SELECT j.value FROM json_each(?) AS j
            WHERE NOT EXISTS (SELECT 1 FROM narinfo AS n WHERE n.cache = ? AND n.hash = j.value)""";
    private static final String DELETE = "DELETE FROM narinfo WHERE cache = ? AND hash = ?";
    private static final String DELETE_ALL =
            "DELETE FROM narinfo WHERE cache = ? AND hash IN (SELECT value FROM json_each(?))";
    private static final String TOUCH =
            "UPDATE narinfo SET last_accessed_at = MAX(last_accessed_at, ?) WHERE cache = ? AND hash = ?";

    private final SqliteDatabase db;
    private final Clock clock;

    public SqliteNarInfoRepository(SqliteDatabase db) {
        this(db, Clock.systemUTC());
    }

    public SqliteNarInfoRepository(SqliteDatabase db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public CompletionStage<Void> save(CacheName cache, NarInfo info) {
        Tuple params = NarInfoRows.toTuple(cache, info, clock.millis());
        return stage(() -> "save narinfo " + info.storePath().hash() + " in " + cache,
                db.writer().preparedQuery(UPSERT).execute(params).mapEmpty());
    }

    /** The hot path: one primary-key query on the dedicated lookup connections (see {@link SqliteKeyLookups}). */
    @Override
    public CompletionStage<Optional<NarInfo>> find(CacheName cache, StorePathHash hash) {
        return db.lookups().first(FIND, List.of(cache.value(), hash.value()), NarInfoRows::fromResultSet);
    }

    @Override
    public CompletionStage<Long> count(CacheName cache) {
        return stage(() -> "count narinfos of " + cache, db.readers().preparedQuery(COUNT)
                .execute(Tuple.of(cache.value())).map(rows -> rows.iterator().next().getLong(0)));
    }

    @Override
    public CompletionStage<List<StorePathHash>> hashesAfter(CacheName cache, Optional<StorePathHash> after, int limit) {
        Tuple params = after.isPresent() ? Tuple.of(cache.value(), after.get().value(), limit)
                : Tuple.of(cache.value(), limit);
        return stage(() -> "list narinfos of " + cache, db.readers()
                .preparedQuery(after.isPresent() ? HASHES_AFTER : HASHES_FROM_START)
                .collecting(Collectors.mapping(row -> new StorePathHash(row.getString(0)), Collectors.toList()))
                .execute(params).map(SqlResult::value));
    }

    @Override
    public CompletionStage<Set<StorePathHash>> closure(CacheName cache, Collection<StorePathHash> roots) {
        Set<StorePathHash> distinct = new LinkedHashSet<>(roots);
        if (distinct.isEmpty()) {
            return CompletableFuture.completedFuture(Set.of());
        }
        return stage(() -> "walk the closure of " + distinct.size() + " paths in " + cache, db.readers()
                .preparedQuery(CLOSURE)
                .collecting(Collectors.mapping(row -> new StorePathHash(row.getString(0)), Collectors.toSet()))
                .execute(Tuple.of(jsonArray(distinct), cache.value(), cache.value())).map(SqlResult::value));
    }

    @Override
    public CompletionStage<List<StorePathHash>> referrers(CacheName cache, StorePathHash hash, int limit) {
        return stage(() -> "find the referrers of " + hash + " in " + cache, db.readers().preparedQuery(REFERRERS)
                .collecting(Collectors.mapping(row -> new StorePathHash(row.getString(0)), Collectors.toList()))
                .execute(Tuple.of(cache.value(), hash.value(), limit)).map(SqlResult::value));
    }

    @Override
    public CompletionStage<List<StorePathHash>> pathsUsing(CacheName cache, NarFile file, int limit) {
        return stage(() -> "find the paths using " + file.fileName() + " in " + cache, db.readers()
                .preparedQuery(PATHS_USING)
                .collecting(Collectors.mapping(row -> new StorePathHash(row.getString(0)), Collectors.toList()))
                .execute(Tuple.of(cache.value(), file.fileHash().toString(), file.compression().narInfoName(), limit))
                .map(SqlResult::value));
    }

    @Override
    public CompletionStage<Set<NarFile>> narFilesInUse(CacheName cache, Collection<NarFile> files) {
        Set<NarFile> asked = Set.copyOf(files);
        if (asked.isEmpty()) {
            return CompletableFuture.completedFuture(Set.of());
        }
        Set<String> fileHashes = new LinkedHashSet<>();
        asked.forEach(f -> fileHashes.add(f.fileHash().toString()));
        return stage(() -> "find which of " + asked.size() + " NAR files are in use in " + cache, db.readers()
                .preparedQuery(NAR_FILES_IN_USE)
                .collecting(Collectors.mapping(row -> new NarFile(NixHash.parse("file_hash", row.getString(0)),
                        Compression.fromNarInfo(row.getString(1))), Collectors.toSet()))
                .execute(Tuple.of(cache.value(), jsonStrings(fileHashes)))
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
        return stage(() -> "find missing narinfos in " + cache, db.readers().preparedQuery(FIND_MISSING)
                .collecting(Collectors.mapping(row -> new StorePathHash(row.getString(0)),
                        Collectors.toUnmodifiableSet()))
                .execute(Tuple.of(jsonArray(distinct), cache.value()))
                .map(SqlResult::value));
    }

    @Override
    public CompletionStage<Boolean> delete(CacheName cache, StorePathHash hash) {
        return stage(() -> "delete narinfo " + hash + " in " + cache, db.writer().preparedQuery(DELETE)
                .execute(Tuple.of(cache.value(), hash.value()))
                .map(result -> result.rowCount() > 0));
    }

    @Override
    public CompletionStage<Integer> deleteAll(CacheName cache, Collection<StorePathHash> hashes) {
        Set<StorePathHash> distinct = new LinkedHashSet<>(hashes);
        if (distinct.isEmpty()) {
            return CompletableFuture.completedFuture(0);
        }
        return stage(() -> "delete " + distinct.size() + " narinfos in " + cache, db.writer().preparedQuery(DELETE_ALL)
                .execute(Tuple.of(cache.value(), jsonArray(distinct)))
                .map(SqlResult::rowCount));
    }

    @Override
    public CompletionStage<Void> touch(CacheName cache, Map<StorePathHash, Instant> accessedAt) {
        if (accessedAt.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<Tuple> batch = new ArrayList<>(accessedAt.size());
        accessedAt.forEach((hash, at) -> batch.add(Tuple.of(at.toEpochMilli(), cache.value(), hash.value())));
        return stage(() -> "record access times in " + cache, db.inWriteTransaction(
                conn -> conn.preparedQuery(TOUCH).executeBatch(batch).mapEmpty()));
    }

    @Override
    public CompletionStage<Void> touchNars(CacheName cache, Map<NarFile, Instant> readAt) {
        if (readAt.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<Tuple> batch = new ArrayList<>(readAt.size());
        readAt.forEach((file, at) -> batch.add(Tuple.of(at.toEpochMilli(), cache.value(), file.fileHash().toString(),
                file.compression().narInfoName())));
        return stage(() -> "record NAR reads in " + cache, db.inWriteTransaction(
                conn -> conn.preparedQuery(TOUCH_NAR).executeBatch(batch).mapEmpty()));
    }

    @Override
    public CompletionStage<Void> clearKeepMarks(CacheName cache) {
        return stage(() -> "clear the sweep marks of " + cache, db.writer().preparedQuery(CLEAR_MARKS)
                .execute(Tuple.of(cache.value())).mapEmpty());
    }

    @Override
    public CompletionStage<Long> markKept(CacheName cache, Instant accessedSince, Collection<StorePathHash> pinned) {
        Set<StorePathHash> distinct = new LinkedHashSet<>(pinned);
        return stage(() -> "mark the paths to keep in " + cache, db.inWriteTransaction(conn -> conn
                .preparedQuery(MARK_KEPT)
                .execute(Tuple.of(cache.value(), accessedSince.toEpochMilli(), jsonArray(distinct)))
                .compose(marked -> conn.preparedQuery(COUNT).execute(Tuple.of(cache.value())))
                .map(rows -> rows.iterator().next().getLong(0))));
    }

    @Override
    public CompletionStage<List<NarInfo>> unmarkedPage(CacheName cache, Instant accessedBefore,
                                                       Optional<StorePathHash> after, int limit) {
        Tuple params = Tuple.of(cache.value(), accessedBefore.toEpochMilli(), limit);
        after.ifPresent(hash -> params.addString(hash.value()));
        return stage(() -> "list the paths a sweep of " + cache + " may delete", db.readers()
                .preparedQuery(after.isPresent() ? UNMARKED_AFTER : UNMARKED_FROM_START)
                .collecting(Collectors.mapping(NarInfoRows::fromRow, Collectors.toList()))
                .execute(params).map(SqlResult::value));
    }

    @Override
    public CompletionStage<List<NarInfo>> unmarkedPage(CacheName cache, Instant accessedSince, Instant accessedBefore,
                                                       Optional<StorePathHash> after, int limit) {
        Tuple params = Tuple.of(cache.value(), accessedBefore.toEpochMilli(), limit,
                after.map(StorePathHash::value).orElse(""), accessedSince.toEpochMilli());
        return stage(() -> "list the paths a sweep of " + cache + " may delete", db.readers()
                .preparedQuery(UNMARKED_SINCE)
                .collecting(Collectors.mapping(NarInfoRows::fromRow, Collectors.toList()))
                .execute(params).map(SqlResult::value));
    }

    @Override
    public CompletionStage<List<StorePath>> storePathsAfter(CacheName cache, String filter,
                                                            Optional<StorePathHash> after, int limit) {
        Tuple params = Tuple.of(cache.value(), after.map(StorePathHash::value).orElse(""), filter, limit);
        return stage(() -> "list the store paths of " + cache, db.readers().preparedQuery(STORE_PATHS_AFTER)
                .collecting(Collectors.mapping(row -> StorePath.parse(row.getString(0)), Collectors.toList()))
                .execute(params).map(SqlResult::value));
    }

    @Override
    public CompletionStage<Optional<Instant>> lastAccess(CacheName cache, StorePathHash hash) {
        return stage(() -> "read the last access of " + hash + " in " + cache, db.readers().preparedQuery(LAST_ACCESS)
                .execute(Tuple.of(cache.value(), hash.value()))
                .map(rows -> rows.size() == 0 ? Optional.<Instant>empty()
                        : Optional.of(Instant.ofEpochMilli(rows.iterator().next().getLong(0)))));
    }

    @Override
    public CompletionStage<Long> storedBytes(CacheName cache) {
        return stage(() -> "sum the NAR bytes of " + cache, db.readers().preparedQuery(STORED_BYTES)
                .execute(Tuple.of(cache.value())).map(rows -> rows.iterator().next().getLong(0)));
    }

    @Override
    public CompletionStage<Long> keptBytes(CacheName cache) {
        return stage(() -> "sum the kept NAR bytes of " + cache, db.readers().preparedQuery(KEPT_BYTES)
                .execute(Tuple.of(cache.value())).map(rows -> rows.iterator().next().getLong(0)));
    }

    @Override
    public CompletionStage<List<StorePathHash>> unmarkedByRecency(CacheName cache, Instant accessedSince,
                                                                  Instant accessedBefore, int limit) {
        return stage(() -> "list the most recently used paths of " + cache, db.readers()
                .preparedQuery(UNMARKED_BY_RECENCY)
                .collecting(Collectors.mapping(row -> new StorePathHash(row.getString(0)), Collectors.toList()))
                .execute(Tuple.of(cache.value(), accessedSince.toEpochMilli(), accessedBefore.toEpochMilli(), limit))
                .map(SqlResult::value));
    }

    @Override
    public CompletionStage<List<StorePathHash>> unmarkedByRecency(CacheName cache, Instant accessedSince,
                                                                  Instant accessedBefore, Optional<StorePathHash> after,
                                                                  int limit) {
        if (after.isEmpty()) {
            return unmarkedByRecency(cache, accessedSince, accessedBefore, limit);
        }
        // A cursor path gone since (deleted) is no position: from the top, which is only slower.
        return lastAccess(cache, after.get()).thenCompose(at -> at.isEmpty()
                ? unmarkedByRecency(cache, accessedSince, accessedBefore, limit)
                : stage(() -> "list the most recently used paths of " + cache, db.readers()
                        .preparedQuery(UNMARKED_BY_RECENCY_AFTER)
                        .collecting(Collectors.mapping(row -> new StorePathHash(row.getString(0)), Collectors.toList()))
                        .execute(Tuple.of(cache.value(), accessedSince.toEpochMilli(),
                                Math.min(accessedBefore.toEpochMilli(), at.get().toEpochMilli() + 1), limit,
                                after.get().value(), at.get().toEpochMilli()))
                        .map(SqlResult::value)));
    }

    @Override
    public CompletionStage<KeptWithin> markKeptWithin(CacheName cache, List<StorePathHash> paths, long budget) {
        List<StorePathHash> ordered = List.copyOf(paths);
        if (ordered.isEmpty()) {
            return CompletableFuture.completedFuture(new KeptWithin(0, false));
        }
        /*
         * One transaction (one fsync) for the whole batch; the statements see the marks made before them. When the
         * closures of the whole batch fit together, they are marked in two statements (the bytes they add together
         * are what adding them one by one adds); only the batch where the budget runs out goes path by path.
         */
        Tuple all = Tuple.of(cache.value(), jsonArray(new LinkedHashSet<>(ordered)));
        return stage(() -> "mark closures within a budget in " + cache, db.inWriteTransaction(conn -> conn
                .preparedQuery(UNMARKED_CLOSURE_BYTES).execute(all)
                .map(rows -> rows.iterator().next().getLong(0))
                .compose(bytes -> bytes <= budget
                        ? conn.preparedQuery(MARK_UNMARKED_CLOSURE).execute(all).map(marked -> new KeptWithin(bytes, false))
                        : keepEach(conn, cache, ordered, 0, new KeptWithin(0, false), budget))));
    }

    private static Future<KeptWithin> keepEach(io.vertx.sqlclient.SqlConnection conn, CacheName cache,
                                               List<StorePathHash> paths, int index, KeptWithin so, long budget) {
        if (index == paths.size()) {
            return Future.succeededFuture(so);
        }
        Tuple params = Tuple.of(cache.value(), jsonArray(Set.of(paths.get(index))));
        return conn.preparedQuery(UNMARKED_CLOSURE_BYTES).execute(params)
                .map(rows -> rows.iterator().next().getLong(0))
                .compose(bytes -> so.bytes() + bytes > budget ? Future.succeededFuture(new KeptWithin(so.bytes(), true))
                        : conn.preparedQuery(MARK_UNMARKED_CLOSURE).execute(params).compose(marked -> keepEach(conn,
                                cache, paths, index + 1, new KeptWithin(so.bytes() + bytes, false), budget)));
    }

    private static String prefixed(String alias) {
        return alias + NarInfoRows.COLUMNS.replace(", ", ", " + alias);
    }

    private static String jsonStrings(Set<String> values) {
        StringBuilder sb = new StringBuilder().append('[');
        for (String value : values) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(value).append('"');
        }
        return sb.append(']').toString();
    }

    /** Store path hashes are nix32 (letters and digits only), so they need no JSON escaping. */
    private static String jsonArray(Set<StorePathHash> hashes) {
        StringBuilder sb = new StringBuilder(hashes.size() * (StorePathHash.LENGTH + 3) + 2).append('[');
        for (StorePathHash hash : hashes) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(hash.value()).append('"');
        }
        return sb.append(']').toString();
    }

    private static <T> CompletionStage<T> stage(Supplier<String> action, Future<T> future) {
        return future.recover(e -> Future.failedFuture(e instanceof StorageException ? e
                : new StorageException(action.get() + " failed: " + e.getMessage(), e))).toCompletionStage();
    }
}
