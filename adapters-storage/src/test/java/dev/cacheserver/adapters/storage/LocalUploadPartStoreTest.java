package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.port.UploadPartStore;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;

class LocalUploadPartStoreTest extends UploadPartStoreContract {
    private Vertx vertx;

    @Override
    UploadPartStore create(Path dir) {
        vertx = Vertx.vertx();
        return new LocalUploadPartStore(vertx, dir.resolve("uploads"));
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().await();
    }
}
