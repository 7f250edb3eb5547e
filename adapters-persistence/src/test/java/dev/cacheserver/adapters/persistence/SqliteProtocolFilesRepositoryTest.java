package dev.cacheserver.adapters.persistence;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;

/** The protocol-files contract on a SQLite file. */
class SqliteProtocolFilesRepositoryTest extends ProtocolFilesRepositoryContract {
    @TempDir
    Path dir;

    @Override
    protected MetadataDatabase openDatabase(Vertx vertx) throws Exception {
        return SqliteDatabase.open(vertx, dir.resolve("db.sqlite")).await(30, TimeUnit.SECONDS);
    }
}
