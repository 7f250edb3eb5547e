package dev.cacheserver.adapters.persistence;

import dev.cacheserver.domain.error.StorageException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database to the newest schema version: each pending migration runs once, in its own transaction
 * with the {@code schema_version} row that records it. A database newer than the code is refused, because
 * this code could silently corrupt a schema it does not know.
 */
final class SchemaMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);

    private static final String CREATE_VERSION_TABLE = """
            CREATE TABLE IF NOT EXISTS schema_version (
                version     INTEGER PRIMARY KEY,
                description TEXT    NOT NULL,
                applied_at  INTEGER NOT NULL
            )""";
    private static final String CURRENT_VERSION = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
    private static final String RECORD_VERSION =
            "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)";

    private final Pool writer;
    private final List<Migration> migrations;
    private final Path file;
    private final Clock clock;

    SchemaMigrator(Pool writer, List<Migration> migrations, Path file, Clock clock) {
        for (int i = 0; i < migrations.size(); i++) {
            // A gap or a reordering would skip a migration on some databases and not on others.
            if (migrations.get(i).version() != i + 1) {
                throw new IllegalArgumentException("migration at index " + i + " has version "
                        + migrations.get(i).version() + ", expected " + (i + 1));
            }
        }
        this.writer = writer;
        this.migrations = List.copyOf(migrations);
        this.file = file;
        this.clock = clock;
    }

    /** Completes with the schema version the database has afterwards. */
    Future<Integer> migrate() {
        return writer.query(CREATE_VERSION_TABLE).execute()
                .compose(created -> currentVersion(writer))
                .compose(this::applyPending);
    }

    private Future<Integer> applyPending(int current) {
        int latest = migrations.size();
        if (current > latest) {
            return Future.failedFuture(new StorageException("database " + file + " has schema version " + current
                    + ", but this cache-server only knows versions up to " + latest
                    + "; it was written by a newer release, so refusing to open it"));
        }
        if (current < latest) {
            LOG.info("Migrating {} from schema version {} to {}", file, current, latest);
        }
        Future<Integer> chain = Future.succeededFuture(current);
        for (Migration migration : migrations.subList(current, latest)) {
            chain = chain.compose(previous -> apply(migration));
        }
        return chain;
    }

    private Future<Integer> apply(Migration migration) {
        return SqliteDatabase.inTransaction(writer, conn -> currentVersion(conn).compose(current -> {
            // Re-read inside the transaction: another process may have migrated since the first check.
            if (current >= migration.version()) {
                return Future.succeededFuture(current);
            }
            return runStatements(conn, migration.statements())
                    .compose(done -> conn.preparedQuery(RECORD_VERSION)
                            .execute(Tuple.of(migration.version(), migration.description(), clock.millis())))
                    .map(recorded -> {
                        LOG.info("Applied schema migration {} ({}) to {}", migration.version(),
                                migration.description(), file);
                        return migration.version();
                    });
        })).recover(e -> Future.failedFuture(new StorageException("schema migration " + migration.version()
                + " (" + migration.description() + ") failed on " + file + ": " + e.getMessage(), e)));
    }

    private static Future<Void> runStatements(SqlConnection conn, List<String> statements) {
        Future<Void> chain = Future.succeededFuture();
        for (String sql : statements) {
            chain = chain.compose(previous -> conn.query(sql).execute().<Void>mapEmpty());
        }
        return chain;
    }

    private static Future<Integer> currentVersion(SqlClient client) {
        return client.query(CURRENT_VERSION).execute().map(rows -> rows.iterator().next().getInteger(0));
    }
}
