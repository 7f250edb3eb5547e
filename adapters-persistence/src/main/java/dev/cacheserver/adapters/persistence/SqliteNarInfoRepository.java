package dev.cacheserver.adapters.persistence;

import static dev.cacheserver.adapters.persistence.SqliteNarInfoStatements.*;

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
    private final SqliteDatabase db;
    private final Clock clock;
    private final SqliteKeepMarks marks;

    public SqliteNarInfoRepository(SqliteDatabase db) {
        this(db, Clock.systemUTC());
    }

    public SqliteNarInfoRepository(SqliteDatabase db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.marks = new SqliteKeepMarks(db);
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
        return marks.clearKeepMarks(cache);
    }

    @Override
    public CompletionStage<Long> markKept(CacheName cache, Instant accessedSince, Collection<StorePathHash> pinned) {
        return marks.markKept(cache, accessedSince, pinned);
    }

    @Override
    public CompletionStage<List<NarInfo>> unmarkedPage(CacheName cache, Instant accessedBefore,
                                                       Optional<StorePathHash> after, int limit) {
        return marks.unmarkedPage(cache, accessedBefore, after, limit);
    }

    @Override
    public CompletionStage<List<NarInfo>> unmarkedPage(CacheName cache, Instant accessedSince, Instant accessedBefore,
                                                       Optional<StorePathHash> after, int limit) {
        return marks.unmarkedPage(cache, accessedSince, accessedBefore, after, limit);
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
        return marks.keptBytes(cache);
    }

    @Override
    public CompletionStage<List<StorePathHash>> unmarkedByRecency(CacheName cache, Instant accessedSince,
                                                                  Instant accessedBefore, int limit) {
        return marks.unmarkedByRecency(cache, accessedSince, accessedBefore, limit);
    }

    @Override
    public CompletionStage<List<StorePathHash>> unmarkedByRecency(CacheName cache, Instant accessedSince,
                                                                  Instant accessedBefore, Optional<StorePathHash> after,
                                                                  int limit) {
        return marks.unmarkedByRecency(cache, accessedSince, accessedBefore, after, limit);
    }

    @Override
    public CompletionStage<KeptWithin> markKeptWithin(CacheName cache, List<StorePathHash> paths, long budget) {
        return marks.markKeptWithin(cache, paths, budget);
    }

    static String jsonStrings(Set<String> values) {
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
    static String jsonArray(Set<StorePathHash> hashes) {
        StringBuilder sb = new StringBuilder(hashes.size() * (StorePathHash.LENGTH + 3) + 2).append('[');
        for (StorePathHash hash : hashes) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(hash.value()).append('"');
        }
        return sb.append(']').toString();
    }

    static <T> CompletionStage<T> stage(Supplier<String> action, Future<T> future) {
        return future.recover(e -> Future.failedFuture(e instanceof StorageException ? e
                : new StorageException(action.get() + " failed: " + e.getMessage(), e))).toCompletionStage();
    }
}
