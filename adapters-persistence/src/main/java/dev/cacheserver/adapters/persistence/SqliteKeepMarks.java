package dev.cacheserver.adapters.persistence;

import static dev.cacheserver.adapters.persistence.SqliteNarInfoRepository.jsonArray;
import static dev.cacheserver.adapters.persistence.SqliteNarInfoRepository.stage;
import static dev.cacheserver.adapters.persistence.SqliteNarInfoStatements.*;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import io.vertx.core.Future;
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
import dev.cacheserver.domain.port.NarInfoRepository.KeptWithin;

/**
 * The garbage-collection marks of {@link SqliteNarInfoRepository} in {@code gc_keep}: the paths to keep (recent,
 * pinned, and their closures), the unmarked pages a sweep removes, and the size sweep's recency walk and budgeted
 * closure marks. Set-based SQL in bounded pages; writes in one transaction per batch.
 */
final class SqliteKeepMarks {
    private final SqliteDatabase db;

    SqliteKeepMarks(SqliteDatabase db) {
        this.db = db;
    }

    CompletionStage<Void> clearKeepMarks(CacheName cache) {
        return stage(() -> "clear the sweep marks of " + cache, db.writer().preparedQuery(CLEAR_MARKS)
                .execute(Tuple.of(cache.value())).mapEmpty());
    }

    CompletionStage<Long> markKept(CacheName cache, Instant accessedSince, Collection<StorePathHash> pinned) {
        Set<StorePathHash> distinct = new LinkedHashSet<>(pinned);
        return stage(() -> "mark the paths to keep in " + cache, db.inWriteTransaction(conn -> conn
                .preparedQuery(MARK_KEPT)
                .execute(Tuple.of(cache.value(), accessedSince.toEpochMilli(), jsonArray(distinct)))
                .compose(marked -> conn.preparedQuery(COUNT).execute(Tuple.of(cache.value())))
                .map(rows -> rows.iterator().next().getLong(0))));
    }

    CompletionStage<List<NarInfo>> unmarkedPage(CacheName cache, Instant accessedBefore,
                                                       Optional<StorePathHash> after, int limit) {
        Tuple params = Tuple.of(cache.value(), accessedBefore.toEpochMilli(), limit);
        after.ifPresent(hash -> params.addString(hash.value()));
        return stage(() -> "list the paths a sweep of " + cache + " may delete", db.readers()
                .preparedQuery(after.isPresent() ? UNMARKED_AFTER : UNMARKED_FROM_START)
                .collecting(Collectors.mapping(NarInfoRows::fromRow, Collectors.toList()))
                .execute(params).map(SqlResult::value));
    }

    CompletionStage<List<NarInfo>> unmarkedPage(CacheName cache, Instant accessedSince, Instant accessedBefore,
                                                       Optional<StorePathHash> after, int limit) {
        Tuple params = Tuple.of(cache.value(), accessedBefore.toEpochMilli(), limit,
                after.map(StorePathHash::value).orElse(""), accessedSince.toEpochMilli());
        return stage(() -> "list the paths a sweep of " + cache + " may delete", db.readers()
                .preparedQuery(UNMARKED_SINCE)
                .collecting(Collectors.mapping(NarInfoRows::fromRow, Collectors.toList()))
                .execute(params).map(SqlResult::value));
    }

    CompletionStage<Long> keptBytes(CacheName cache) {
        return stage(() -> "sum the kept NAR bytes of " + cache, db.readers().preparedQuery(KEPT_BYTES)
                .execute(Tuple.of(cache.value())).map(rows -> rows.iterator().next().getLong(0)));
    }

    CompletionStage<List<StorePathHash>> unmarkedByRecency(CacheName cache, Instant accessedSince,
                                                           Instant accessedBefore, int limit) {
        return stage(() -> "list the most recently used paths of " + cache, db.readers()
                .preparedQuery(UNMARKED_BY_RECENCY)
                .collecting(Collectors.mapping(row -> new StorePathHash(row.getString(0)), Collectors.toList()))
                .execute(Tuple.of(cache.value(), accessedSince.toEpochMilli(), accessedBefore.toEpochMilli(), limit))
                .map(SqlResult::value));
    }

    CompletionStage<List<StorePathHash>> unmarkedByRecency(CacheName cache, Instant accessedSince,
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

    CompletionStage<KeptWithin> markKeptWithin(CacheName cache, List<StorePathHash> paths, long budget) {
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

    private CompletionStage<Optional<Instant>> lastAccess(CacheName cache, StorePathHash hash) {
        return stage(() -> "read the last access of " + hash + " in " + cache, db.readers().preparedQuery(LAST_ACCESS)
                .execute(Tuple.of(cache.value(), hash.value()))
                .map(rows -> rows.size() == 0 ? Optional.<Instant>empty()
                        : Optional.of(Instant.ofEpochMilli(rows.iterator().next().getLong(0)))));
    }
}
