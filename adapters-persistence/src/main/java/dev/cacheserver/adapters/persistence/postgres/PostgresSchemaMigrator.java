package dev.cacheserver.adapters.persistence.postgres;

import dev.cacheserver.adapters.persistence.Migration;
import dev.cacheserver.domain.error.StorageException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the shared database to the newest schema version in one transaction that first takes a transaction-level
 * advisory lock, so replicas starting together migrate one after the other (the later ones find nothing to do).
 * A database newer than the code is refused: this code could silently corrupt a schema it does not know.
 */
final class PostgresSchemaMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresSchemaMigrator.class);
    /** An arbitrary constant shared by every replica: the key of the migration lock. */
    static final long MIGRATION_LOCK = 0x6361636865_01L;

    private static final String CREATE_VERSION_TABLE = """
            CREATE TABLE IF NOT EXISTS schema_version (
                version     INTEGER PRIMARY KEY,
                description TEXT    NOT NULL,
                applied_at  BIGINT  NOT NULL
            )""";
    private static final String CURRENT_VERSION = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
    private static final String RECORD_VERSION =
            "INSERT INTO schema_version (version, description, applied_at) VALUES ($1, $2, $3)";

    private final Pool pool;
    private final List<Migration> migrations;
    private final String where;
    private final Clock clock;

    PostgresSchemaMigrator(Pool pool, List<Migration> migrations, String where, Clock clock) {
        for (int i = 0; i < migrations.size(); i++) {
            if (migrations.get(i).version() != i + 1) {
                throw new IllegalArgumentException("migration at index " + i + " has version "
                        + migrations.get(i).version() + ", expected " + (i + 1));
            }
        }
        this.pool = pool;
        this.migrations = List.copyOf(migrations);
        this.where = where;
        this.clock = clock;
    }

    /** Completes with the schema version the database has afterwards. */
    Future<Integer> migrate() {
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock($1)")
                .execute(Tuple.of(MIGRATION_LOCK))
                // The "already exists, skipping" notice of every later start would only be log noise.
                .compose(locked -> conn.query("SET LOCAL client_min_messages = warning").execute())
                .compose(quiet -> conn.query(CREATE_VERSION_TABLE).execute())
                .compose(created -> conn.query(CURRENT_VERSION).execute())
                .map(rows -> rows.iterator().next().getInteger(0))
                .compose(current -> applyPending(conn, current)));
    }

    private Future<Integer> applyPending(SqlConnection conn, int current) {
        int latest = migrations.size();
        if (current > latest) {
            return Future.failedFuture(new StorageException("database " + where + " has schema version " + current
                    + ", but this cache-server only knows versions up to " + latest
                    + "; it was written by a newer release, so refusing to use it"));
        }
        if (current < latest) {
            LOG.info("Migrating {} from schema version {} to {}", where, current, latest);
        }
        Future<Integer> chain = Future.succeededFuture(current);
        for (Migration migration : migrations.subList(current, latest)) {
            chain = chain.compose(previous -> apply(conn, migration));
        }
        return chain;
    }

    private Future<Integer> apply(SqlConnection conn, Migration migration) {
        Future<Void> chain = Future.succeededFuture();
        for (String sql : migration.statements()) {
            chain = chain.compose(previous -> conn.query(sql).execute().<Void>mapEmpty());
        }
        return chain.compose(done -> conn.preparedQuery(RECORD_VERSION)
                        .execute(Tuple.of(migration.version(), migration.description(), clock.millis())))
                .map(recorded -> {
                    LOG.info("Applied schema migration {} ({}) to {}", migration.version(), migration.description(),
                            where);
                    return migration.version();
                })
                .recover(e -> Future.failedFuture(new StorageException("schema migration " + migration.version()
                        + " (" + migration.description() + ") failed on " + where + ": " + e.getMessage(), e)));
    }
}
