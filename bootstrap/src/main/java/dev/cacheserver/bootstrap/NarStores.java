package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.storage.LocalNarStore;
import dev.cacheserver.bootstrap.config.CacheSettings;
import dev.cacheserver.bootstrap.config.StorageSettings;
import dev.cacheserver.bootstrap.config.StorageType;
import dev.cacheserver.domain.port.NarStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the NarStore of each cache from its {@code storages:} list. */
final class NarStores {
    private static final Logger LOG = LoggerFactory.getLogger(NarStores.class);
    private final Vertx vertx;

    NarStores(Vertx vertx) {
        this.vertx = vertx;
    }

    Future<? extends NarStore> open(CacheSettings settings) {
        StorageSettings storage = settings.storages().stream().filter(s -> s.type() == StorageType.LOCAL).findFirst()
                .orElseThrow(() -> new StartupException("cache " + settings.name()
                        + ": S3 storage is not available in this version; configure a local storage"));
        if (settings.storages().size() > 1) {
            LOG.warn("cache {}: {} storages configured; this version stores every NAR in '{}'", settings.name(),
                    settings.storages().size(), storage.name());
        }
        return LocalNarStore.open(vertx, localDirectory(settings, storage));
    }

    /** The original's layout: {@code <root>/<cache>/<storage name>/}. */
    static Path localDirectory(CacheSettings cache, StorageSettings storage) {
        return storage.root().resolve(cache.name()).resolve(storage.name());
    }
}
