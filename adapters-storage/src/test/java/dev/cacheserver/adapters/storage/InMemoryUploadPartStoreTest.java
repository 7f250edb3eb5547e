package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.port.UploadPartStore;
import dev.cacheserver.domain.port.inmemory.InMemoryUploadPartStore;
import java.nio.file.Path;

class InMemoryUploadPartStoreTest extends UploadPartStoreContract {
    @Override
    UploadPartStore create(Path dir) {
        return new InMemoryUploadPartStore(dir.resolve("spool"));
    }
}
