package dev.cacheserver.adapters.persistence.postgres;

import dev.cacheserver.adapters.persistence.NarPlacementRepositoryContract;
import dev.cacheserver.domain.port.NarPlacementRepository;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/** The placement contract on a real PostgreSQL server. */
class PostgresNarPlacementRepositoryTest extends NarPlacementRepositoryContract {
    private Vertx vertx;
    private PostgresDatabase db;

    @Override
    protected NarPlacementRepository createRepository() {
        vertx = Vertx.vertx();
        db = await(PostgresDatabase.open(vertx, PostgresTestServer.shared().newDatabase()).toCompletionStage());
        return db.placements();
    }

    @AfterEach
    void close() throws Exception {
        try {
            db.close().await(30, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }
}
