package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.persistence.MetadataDatabase;
import dev.cacheserver.adapters.persistence.SqliteDatabase;
import dev.cacheserver.adapters.persistence.postgres.PostgresConnection;
import dev.cacheserver.adapters.persistence.postgres.PostgresDatabase;
import dev.cacheserver.bootstrap.config.ServerSettings;
import dev.cacheserver.bootstrap.config.SharedDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The one place that chooses the metadata database: the PostgreSQL server the replicas share when
 * {@code server.database} is a URL, else the embedded SQLite file. The server and every command open it here.
 */
final class MetadataDatabases {
    private MetadataDatabases() {
    }

    /**
     * Opens and migrates the configured database. A PostgreSQL server that cannot be reached, refuses the
     * credentials or holds a newer schema fails with a {@link StartupException} naming the key and the server.
     */
    static Future<MetadataDatabase> open(Vertx vertx, ServerSettings server) {
        if (server.sharedDatabase().isEmpty()) {
            return SqliteDatabase.open(vertx, server.database()).map(db -> db);
        }
        SharedDatabase shared = server.sharedDatabase().get();
        PostgresConnection connection = new PostgresConnection(shared.host(), shared.port(), shared.database(),
                shared.user(), shared.password(), shared.poolSize());
        return PostgresDatabase.open(vertx, connection).<MetadataDatabase>map(db -> db)
                .recover(e -> Future.failedFuture(new StartupException("server.database: cannot use the PostgreSQL "
                        + "database " + connection + ": " + e.getMessage(), e)));
    }
}
