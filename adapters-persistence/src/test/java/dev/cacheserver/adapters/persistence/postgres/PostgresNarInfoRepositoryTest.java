package dev.cacheserver.adapters.persistence.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cacheserver.adapters.persistence.NarInfoRepositoryContract;
import dev.cacheserver.domain.port.NarInfoRepository;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The contract on a real PostgreSQL server, plus what only a shared database has: a second process sees writes. */
class PostgresNarInfoRepositoryTest extends NarInfoRepositoryContract {
    private Vertx vertx;
    private PostgresConnection connection;
    private PostgresDatabase db;

    @Override
    protected NarInfoRepository createRepository() throws Exception {
        vertx = Vertx.vertx();
        connection = PostgresTestServer.shared().newDatabase();
        db = PostgresDatabase.open(vertx, connection).await(60, TimeUnit.SECONDS);
        return db.narInfos();
    }

    @AfterEach
    void close() throws Exception {
        try {
            db.close().await(30, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSecondReplicaOnTheSameDatabaseSeesASaveAtOnce() throws Exception {
        PostgresDatabase other = PostgresDatabase.open(vertx, connection).await(60, TimeUnit.SECONDS);
        try {
            await(repository.save(MAIN, FULL));
            assertEquals(Optional.of(FULL), await(other.narInfos().find(MAIN, FULL.storePath().hash())));
            assertEquals(1, other.schemaVersion(), "the second open found the schema migrated");
        } finally {
            other.close().await(30, TimeUnit.SECONDS);
        }
    }
}
