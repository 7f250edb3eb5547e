package dev.cacheserver.adapters.persistence.postgres;

import dev.cacheserver.adapters.persistence.CachixStateContract;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/** The Cachix state contract (uploads, tokens, registered keys, pins) on a real PostgreSQL server. */
class PostgresCachixStateTest extends CachixStateContract {
    private Vertx vertx;
    private PostgresDatabase db;

    @Override
    protected void createPorts() throws Exception {
        vertx = Vertx.vertx();
        db = PostgresDatabase.open(vertx, PostgresTestServer.shared().newDatabase()).await(60, TimeUnit.SECONDS);
        uploads = db.uploads();
        tokens = db.tokenRevocations();
        keys = db.cacheKeys(Clock.systemUTC());
        pins = db.pins();
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
