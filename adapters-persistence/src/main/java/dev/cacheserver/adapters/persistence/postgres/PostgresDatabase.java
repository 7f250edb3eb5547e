package dev.cacheserver.adapters.persistence.postgres;

import dev.cacheserver.adapters.persistence.MetadataDatabase;
import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.port.ArtifactRepository;
import dev.cacheserver.domain.port.CacheKeyRepository;
import dev.cacheserver.domain.port.DeploymentRepository;
import dev.cacheserver.domain.port.ExclusiveRuns;
import dev.cacheserver.domain.port.MetadataEvents;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.NarPlacementRepository;
import dev.cacheserver.domain.port.PinRepository;
import dev.cacheserver.domain.port.RealisationRepository;
import dev.cacheserver.domain.port.TokenRevocations;
import dev.cacheserver.domain.port.UploadRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Clock;

/**
 * A PostgreSQL database shared by every replica, migrated to the current schema, behind one pool of
 * {@link PostgresConnection#poolSize()} connections. The reactive driver never blocks the calling thread and
 * prepares each statement once per connection. Transactions go through {@link Pool#withTransaction}.
 */
public final class PostgresDatabase implements MetadataDatabase {
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private final Vertx vertx;
    private final PostgresConnection connection;
    private final Pool pool;
    private final int schemaVersion;
    private final PostgresMetadataEvents events;
    private final PostgresExclusiveRuns exclusiveRuns;

    private PostgresDatabase(Vertx vertx, PostgresConnection connection, Pool pool, int schemaVersion,
                             PostgresMetadataEvents events) {
        this.vertx = vertx;
        this.connection = connection;
        this.pool = pool;
        this.schemaVersion = schemaVersion;
        this.events = events;
        this.exclusiveRuns = new PostgresExclusiveRuns(vertx, connectOptions(connection));
    }

    /**
     * Connects and migrates. Fails with a {@link StorageException} naming the server (never the password) when it
     * cannot be reached, refuses the credentials, a migration fails or the schema is newer than this code.
     */
    public static Future<PostgresDatabase> open(Vertx vertx, PostgresConnection connection) {
        Pool pool = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(connection.poolSize()).setName("cache-server-postgres"))
                // A firewalled host fails the start within seconds rather than the kernel's minutes.
                .with(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MILLIS))
                .connectingTo(connectOptions(connection))
                .using(vertx)
                .build();
        return new PostgresSchemaMigrator(pool, PostgresMigrations.ALL, connection.toString(), Clock.systemUTC())
                .migrate()
                .compose(version -> PostgresMetadataEvents.connect(vertx, connectOptions(connection), pool)
                        .map(events -> new PostgresDatabase(vertx, connection, pool, version, events)))
                .recover(e -> pool.close().transform(closed -> Future.failedFuture(
                        e instanceof StorageException ? e : new StorageException(
                                "cannot open database " + connection + ": " + e.getMessage(), e))));
    }

    static PgConnectOptions connectOptions(PostgresConnection connection) {
        PgConnectOptions options = new PgConnectOptions()
                .setHost(connection.host())
                .setPort(connection.port())
                .setDatabase(connection.database())
                .setUser(connection.user())
                .setCachePreparedStatements(true)
                .setReconnectAttempts(2)
                .setReconnectInterval(500);
        connection.password().ifPresent(options::setPassword);
        return options;
    }

    Pool pool() {
        return pool;
    }

    Vertx vertx() {
        return vertx;
    }

    /** Where the database is (without the password). */
    public PostgresConnection connection() {
        return connection;
    }

    /** The schema version after migration, i.e. the newest one this code knows. */
    public int schemaVersion() {
        return schemaVersion;
    }

    @Override
    public NarInfoRepository narInfos() {
        return new PostgresNarInfoRepository(this);
    }

    @Override
    public NarPlacementRepository placements() {
        return new PostgresNarPlacementRepository(this, Clock.systemUTC());
    }

    @Override
    public UploadRepository uploads() {
        return new PostgresUploadRepository(this);
    }

    @Override
    public TokenRevocations tokenRevocations() {
        return new PostgresTokenRevocations(this);
    }

    @Override
    public CacheKeyRepository cacheKeys(Clock clock) {
        return new PostgresCacheKeyRepository(this, clock);
    }

    @Override
    public PinRepository pins() {
        return new PostgresPinRepository(this);
    }

    @Override
    public DeploymentRepository deployments() {
        return new PostgresDeploymentRepository(this);
    }

    @Override
    public ArtifactRepository artifacts() {
        return new PostgresArtifactRepository(this);
    }

    @Override
    public RealisationRepository realisations() {
        return new PostgresRealisationRepository(this);
    }

    @Override
    public MetadataEvents events() {
        return events;
    }

    @Override
    public ExclusiveRuns exclusiveRuns() {
        return exclusiveRuns;
    }

    @Override
    public Future<Void> check() {
        return pool.query("SELECT 1").execute().mapEmpty();
    }

    @Override
    public Future<Void> close() {
        return Future.join(events.close(), exclusiveRuns.close(), pool.close()).mapEmpty();
    }

    @Override
    public String toString() {
        return "PostgreSQL database " + connection;
    }
}
