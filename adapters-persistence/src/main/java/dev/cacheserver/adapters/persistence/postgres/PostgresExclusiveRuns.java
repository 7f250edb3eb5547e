package dev.cacheserver.adapters.persistence.postgres;

import dev.cacheserver.domain.port.ExclusiveRuns;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * {@link ExclusiveRuns} as PostgreSQL session-level advisory locks keyed by a hash of the work's name: the lock is
 * tried (never waited for) on a pooled connection that is held for the duration of the work, so it is released
 * when the work ends, or by the server when the connection of a dead replica closes.
 */
final class PostgresExclusiveRuns implements ExclusiveRuns {
    private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(hashtextextended($1, 0))";
    private static final String UNLOCK = "SELECT pg_advisory_unlock(hashtextextended($1, 0))";

    private final Pool pool;

    PostgresExclusiveRuns(Pool pool) {
        this.pool = pool;
    }

    @Override
    public <T> CompletionStage<Optional<T>> runIfFree(String name, Supplier<CompletionStage<T>> work) {
        Tuple key = Tuple.of("cache-server:" + name);
        return pool.getConnection().compose(conn -> conn.preparedQuery(TRY_LOCK).execute(key)
                .compose(rows -> rows.iterator().next().getBoolean(0)
                        ? runHolding(conn, key, work)
                        : Future.succeededFuture(Optional.<T>empty()))
                .eventually(conn::close)).toCompletionStage();
    }

    private static <T> Future<Optional<T>> runHolding(SqlConnection conn, Tuple key, Supplier<CompletionStage<T>> work) {
        Future<T> done;
        try {
            done = Future.fromCompletionStage(work.get());
        } catch (RuntimeException e) {
            done = Future.failedFuture(e);
        }
        return done.transform(result -> conn.preparedQuery(UNLOCK).execute(key)
                .transform(unlocked -> result.succeeded() ? Future.succeededFuture(Optional.ofNullable(result.result()))
                        : Future.failedFuture(result.cause())));
    }
}
