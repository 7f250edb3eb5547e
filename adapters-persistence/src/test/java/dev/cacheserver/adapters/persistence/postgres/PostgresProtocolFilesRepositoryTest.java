package dev.cacheserver.adapters.persistence.postgres;

import dev.cacheserver.adapters.persistence.MetadataDatabase;
import dev.cacheserver.adapters.persistence.ProtocolFilesRepositoryContract;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/** The protocol-files contract on a real PostgreSQL server. */
class PostgresProtocolFilesRepositoryTest extends ProtocolFilesRepositoryContract {
    @Override
    protected MetadataDatabase openDatabase(Vertx vertx) throws Exception {
        return PostgresDatabase.open(vertx, PostgresTestServer.shared().newDatabase()).await(60, TimeUnit.SECONDS);
    }
}
