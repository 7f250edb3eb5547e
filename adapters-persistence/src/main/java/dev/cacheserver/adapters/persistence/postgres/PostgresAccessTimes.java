package dev.cacheserver.adapters.persistence.postgres;

import static dev.cacheserver.adapters.persistence.postgres.PostgresStages.stage;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePathHash;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The last-access times of the narinfo repository on PostgreSQL: batches of reads raise {@code last_accessed_at}
 * (never lower it), in key order, so replicas recording overlapping reads lock rows in the same order.
 */
final class PostgresAccessTimes {
    private static final String TOUCH = "UPDATE narinfo SET last_accessed_at = GREATEST(last_accessed_at, $1)"
            + " WHERE cache = $2 AND hash = $3";
    private static final String TOUCH_NAR = "UPDATE narinfo SET last_accessed_at = GREATEST(last_accessed_at, $1)"
            + " WHERE cache = $2 AND file_hash = $3 AND compression = $4";
    private static final String LAST_ACCESS = "SELECT last_accessed_at FROM narinfo WHERE cache = $1 AND hash = $2";

    private final PostgresDatabase db;

    PostgresAccessTimes(PostgresDatabase db) {
        this.db = db;
    }

    CompletionStage<Void> touch(CacheName cache, Map<StorePathHash, Instant> accessedAt) {
        if (accessedAt.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        // In key order, so two replicas touching overlapping paths lock rows in the same order (no deadlock).
        List<Tuple> batch = new ArrayList<>(accessedAt.size());
        new TreeMap<>(byValue(accessedAt, StorePathHash::value)).forEach((hash, at) ->
                batch.add(Tuple.of(at.toEpochMilli(), cache.value(), hash)));
        return stage(() -> "record access times in " + cache, db.pool().withTransaction(
                conn -> conn.preparedQuery(TOUCH).executeBatch(batch).mapEmpty()));
    }

    CompletionStage<Void> touchNars(CacheName cache, Map<NarFile, Instant> readAt) {
        if (readAt.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<Tuple> batch = new ArrayList<>(readAt.size());
        new TreeMap<>(byValue(readAt, NarFile::fileName)).forEach((name, at) -> {
            NarFile file = NarFile.parseFileName(name);
            batch.add(Tuple.of(at.toEpochMilli(), cache.value(), file.fileHash().toString(),
                    file.compression().narInfoName()));
        });
        return stage(() -> "record NAR reads in " + cache, db.pool().withTransaction(
                conn -> conn.preparedQuery(TOUCH_NAR).executeBatch(batch).mapEmpty()));
    }

    CompletionStage<Optional<Instant>> lastAccess(CacheName cache, StorePathHash hash) {
        return stage(() -> "read the last access of " + hash + " in " + cache, db.pool().preparedQuery(LAST_ACCESS)
                .execute(Tuple.of(cache.value(), hash.value()))
                .map(rows -> rows.size() == 0 ? Optional.<Instant>empty()
                        : Optional.of(Instant.ofEpochMilli(rows.iterator().next().getLong(0)))));
    }

    private static <K> Map<String, Instant> byValue(Map<K, Instant> map, Function<K, String> key) {
        Map<String, Instant> byKey = new java.util.HashMap<>();
        map.forEach((k, at) -> byKey.put(key.apply(k), at));
        return byKey;
    }
}
