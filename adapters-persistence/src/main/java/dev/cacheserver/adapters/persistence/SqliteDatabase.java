package dev.cacheserver.adapters.persistence;

import dev.cacheserver.domain.error.StorageException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;

/**
 * One SQLite database file, migrated to the current schema, with a single-connection writer pool (SQLite
 * allows one writer at a time; queueing in the pool beats SQLITE_BUSY retries) and a small reader pool
 * (WAL lets readers run beside the writer). The JDBC pools run every statement on worker threads, so the
 * pools may be used from an event loop. Call {@link #close()} once, when done.
 *
 * <p>Run transactions with {@link #inWriteTransaction}, never with {@code Pool.withTransaction} or
 * {@code SqlConnection.begin()}: vertx-jdbc-client 5.0.7 leaves a pooled connection with auto-commit off after
 * any transaction (vert-x3/vertx-jdbc-client#356), so every later write on it would silently stay uncommitted.
 */
public final class SqliteDatabase implements MetadataDatabase {
    /** Applied by sqlite-jdbc to every connection it opens. */
    static final String PRAGMAS = "journal_mode=WAL&synchronous=FULL&busy_timeout=5000&foreign_keys=true";
    static final int READER_CONNECTIONS = 4;

    private final Path file;
    private final Pool writer;
    private final Pool readers;
    private final int schemaVersion;
    private final SqliteKeyLookups lookups;

    private SqliteDatabase(Path file, Pool writer, Pool readers, int schemaVersion) {
        this.file = file;
        this.writer = writer;
        this.readers = readers;
        this.schemaVersion = schemaVersion;
        this.lookups = new SqliteKeyLookups(file);
    }

    /** Read-only connections on threads of their own for hot-path primary-key lookups. */
    SqliteKeyLookups lookups() {
        return lookups;
    }

    /**
     * Opens (creating it and its parent directories if needed) and migrates the database at {@code file}.
     * Fails with a {@link StorageException} when the file cannot be opened, a migration fails, or the file
     * has a newer schema than this code knows.
     */
    public static Future<SqliteDatabase> open(Vertx vertx, Path file) {
        return open(vertx, file, Migrations.ALL);
    }

    static Future<SqliteDatabase> open(Vertx vertx, Path file, List<Migration> migrations) {
        Path path = file.toAbsolutePath().normalize();
        if (path.toString().contains("?")) {
            // sqlite-jdbc reads everything after '?' as pragmas.
            return Future.failedFuture(new StorageException("database path must not contain '?': " + path));
        }
        return vertx.executeBlocking(() -> Files.createDirectories(path.getParent()))
                .recover(e -> Future.failedFuture(new StorageException(
                        "cannot create the directory of database " + path + ": " + e.getMessage(), e)))
                .compose(dir -> openPools(vertx, path, migrations));
    }

    private static Future<SqliteDatabase> openPools(Vertx vertx, Path path, List<Migration> migrations) {
        JDBCConnectOptions connect = new JDBCConnectOptions().setJdbcUrl("jdbc:sqlite:" + path + "?" + PRAGMAS);
        Pool writer = JDBCPool.pool(vertx, connect, new PoolOptions().setMaxSize(1));
        Pool readers = JDBCPool.pool(vertx, connect, new PoolOptions().setMaxSize(READER_CONNECTIONS));
        return new SchemaMigrator(writer, migrations, path, Clock.systemUTC()).migrate()
                .map(version -> new SqliteDatabase(path, writer, readers, version))
                .recover(e -> Future.all(writer.close(), readers.close())
                        .transform(closed -> Future.failedFuture(asStorageException(path, e))));
    }

    private static StorageException asStorageException(Path path, Throwable e) {
        return e instanceof StorageException se ? se
                : new StorageException("cannot open database " + path + ": " + e.getMessage(), e);
    }

    /**
     * Runs {@code work} on the writer connection inside {@code BEGIN IMMEDIATE ... COMMIT}, rolling back when
     * {@code work} or the commit fails. IMMEDIATE takes the write lock up front, so another process writing
     * the same file makes this wait (busy_timeout) instead of failing halfway.
     */
    public <T> Future<T> inWriteTransaction(Function<SqlConnection, Future<T>> work) {
        return inTransaction(writer, work);
    }

    static <T> Future<T> inTransaction(Pool pool, Function<SqlConnection, Future<T>> work) {
        // Plain SQL rather than JDBC transactions: the connection stays in auto-commit mode (see class doc).
        return pool.withConnection(conn -> conn.query("BEGIN IMMEDIATE").execute()
                .compose(begun -> work.apply(conn))
                .compose(result -> conn.query("COMMIT").execute().map(result))
                .recover(failure -> conn.query("ROLLBACK").execute()
                        .transform(rolledBack -> Future.<T>failedFuture(failure))));
    }

    /** The single-connection pool for every write, so writes never wait on each other's locks. */
    public Pool writer() {
        return writer;
    }

    /** The pool for reads; each statement sees the latest committed write. */
    public Pool readers() {
        return readers;
    }

    public Path file() {
        return file;
    }

    /** The schema version after migration, i.e. the newest one this code knows. */
    public int schemaVersion() {
        return schemaVersion;
    }

    @Override
    public dev.cacheserver.domain.port.NarInfoRepository narInfos() {
        return new SqliteNarInfoRepository(this);
    }

    @Override
    public dev.cacheserver.domain.port.NarPlacementRepository placements() {
        return new SqliteNarPlacementRepository(this);
    }

    @Override
    public dev.cacheserver.domain.port.UploadRepository uploads() {
        return new SqliteUploadRepository(this);
    }

    @Override
    public dev.cacheserver.domain.port.TokenRevocations tokenRevocations() {
        return new SqliteTokenRevocations(this);
    }

    @Override
    public dev.cacheserver.domain.port.CacheKeyRepository cacheKeys(Clock clock) {
        return new SqliteCacheKeyRepository(this, clock);
    }

    @Override
    public dev.cacheserver.domain.port.PinRepository pins() {
        return new SqlitePinRepository(this);
    }

    @Override
    public dev.cacheserver.domain.port.DeploymentRepository deployments() {
        return new SqliteDeploymentRepository(this);
    }

    @Override
    public dev.cacheserver.domain.port.ArtifactRepository artifacts() {
        return new SqliteArtifactRepository(this);
    }

    @Override
    public dev.cacheserver.domain.port.RealisationRepository realisations() {
        return new SqliteRealisationRepository(this);
    }

    /** Nobody else serves from this file (the commands beside a running server change nothing it caches). */
    @Override
    public dev.cacheserver.domain.port.MetadataEvents events() {
        return dev.cacheserver.domain.port.MetadataEvents.NONE;
    }

    @Override
    public dev.cacheserver.domain.port.ExclusiveRuns exclusiveRuns() {
        return dev.cacheserver.domain.port.ExclusiveRuns.LOCAL;
    }

    @Override
    public Future<Void> check() {
        return readers.query("SELECT 1").execute().mapEmpty();
    }

    @Override
    public String toString() {
        return "SQLite database " + file;
    }

    /** Closes the pools and the lookup connections; in-flight statements finish or fail first. */
    @Override
    public Future<Void> close() {
        lookups.close();
        return Future.all(writer.close(), readers.close()).mapEmpty();
    }
}
