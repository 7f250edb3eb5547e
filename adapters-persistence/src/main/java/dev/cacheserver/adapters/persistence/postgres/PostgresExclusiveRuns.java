package dev.cacheserver.adapters.persistence.postgres;

import dev.cacheserver.domain.port.ExclusiveRuns;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * {@link ExclusiveRuns} as PostgreSQL session-level advisory locks keyed by a hash of the work's name: the lock is
 * tried (never waited for) on a connection of its own, outside the pool (the work needs the pool's connections,
 * however small the pool), held for the duration of the work, so it is released when the work ends, or by the
 * server when the connection of a dead replica closes.
 */
final class PostgresExclusiveRuns implements ExclusiveRuns {
    private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(hashtextextended($1, 0))";
    private static final String UNLOCK = "SELECT pg_advisory_unlock(hashtextextended($1, 0))";

    private final Vertx vertx;
    private final PgConnectOptions options;
    /** The connections holding a claim now: closing the database lets their claims go. */
    private final Set<SqlConnection> holding = ConcurrentHashMap.newKeySet();

    PostgresExclusiveRuns(Vertx vertx, PgConnectOptions options) {
        this.vertx = vertx;
        this.options = options;
    }

    @Override
    public <T> CompletionStage<Optional<T>> runIfFree(String name, Supplier<CompletionStage<T>> work) {
        Tuple key = Tuple.of("cache-server:" + name);
        return PgConnection.connect(vertx, options).compose(conn -> {
            holding.add(conn);
            return conn.preparedQuery(TRY_LOCK).execute(key)
                    .compose(rows -> rows.iterator().next().getBoolean(0)
                            ? runHolding(conn, key, work)
                            : Future.succeededFuture(Optional.<T>empty()))
                    .eventually(() -> {
                        holding.remove(conn);
                        return conn.close();
                    });
        }).toCompletionStage();
    }

    /** Closes the connections of the claims held now, which releases them; the work they guard is not stopped. */
    Future<Void> close() {
        return Future.join(holding.stream().map(SqlConnection::close).toList()).mapEmpty();
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
