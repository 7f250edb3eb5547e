package dev.cacheserver.adapters.persistence;

import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.NarInfoRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import dev.cacheserver.domain.retention.PathUsage;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@link NarInfoRepository} on the {@code narinfo} table of a {@link SqliteDatabase}: writes go through the
 * writer pool, reads through the reader pool, and every statement runs on a JDBC worker thread. A save
 * keeps the row's {@code created_at} and sets {@code last_accessed_at}; reads do not touch either. Failures
 * are {@link StorageException}s.
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
    private static final String FIND_ALL =
            "SELECT " + NarInfoRows.COLUMNS + " FROM narinfo WHERE cache = ? ORDER BY hash";
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
    private static final String FIND_USAGE = "SELECT hash, refs, last_accessed_at FROM narinfo WHERE cache = ?";

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

    @Override
    public CompletionStage<Optional<NarInfo>> find(CacheName cache, StorePathHash hash) {
        return stage(() -> "find narinfo " + hash + " in " + cache, db.readers().preparedQuery(FIND)
                .collecting(Collectors.mapping(NarInfoRows::fromRow, Collectors.reducing((a, b) -> a)))
                .execute(Tuple.of(cache.value(), hash.value()))
                .map(SqlResult::value));
    }

    @Override
    public CompletionStage<List<NarInfo>> findAll(CacheName cache) {
        // Rows become NarInfos one by one as they are read, so the raw row set is never held whole.
        return stage(() -> "load narinfos of " + cache, db.readers().preparedQuery(FIND_ALL)
                .collecting(Collectors.mapping(NarInfoRows::fromRow, Collectors.toUnmodifiableList()))
                .execute(Tuple.of(cache.value()))
                .map(SqlResult::value));
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
    public CompletionStage<List<PathUsage>> findUsage(CacheName cache) {
        return stage(() -> "load path usage of " + cache, db.readers().preparedQuery(FIND_USAGE)
                .collecting(Collectors.mapping(SqliteNarInfoRepository::usage, Collectors.toUnmodifiableList()))
                .execute(Tuple.of(cache.value()))
                .map(SqlResult::value));
    }

    private static PathUsage usage(Row row) {
        Set<StorePathHash> refs = new HashSet<>();
        String text = row.getString(1);
        if (text != null && !text.isBlank()) {
            for (String ref : text.trim().split(" +")) {
                refs.add(new StorePathHash(ref.substring(0, StorePathHash.LENGTH)));
            }
        }
        return new PathUsage(new StorePathHash(row.getString(0)), refs, Instant.ofEpochMilli(row.getLong(2)));
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
