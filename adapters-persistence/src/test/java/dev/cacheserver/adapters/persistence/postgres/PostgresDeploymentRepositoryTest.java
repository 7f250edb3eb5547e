package dev.cacheserver.adapters.persistence.postgres;

import dev.cacheserver.adapters.persistence.DeploymentRepositoryContract;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/** The deployment contract on a real PostgreSQL server. */
class PostgresDeploymentRepositoryTest extends DeploymentRepositoryContract {
    private Vertx vertx;
    private PostgresDatabase db;

    @Override
    protected void createRepository() throws Exception {
        vertx = Vertx.vertx();
        db = PostgresDatabase.open(vertx, PostgresTestServer.shared().newDatabase()).await(60, TimeUnit.SECONDS);
        deployments = db.deployments();
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
