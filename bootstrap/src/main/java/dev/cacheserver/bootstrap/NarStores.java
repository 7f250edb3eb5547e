package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.persistence.MetadataDatabase;
import dev.cacheserver.adapters.storage.LocalNarStore;
import dev.cacheserver.adapters.storage.S3NarStore;
import dev.cacheserver.adapters.storage.S3StoreOptions;
import dev.cacheserver.adapters.storage.StorageGroupNarStore;
import dev.cacheserver.bootstrap.config.CacheSettings;
import dev.cacheserver.bootstrap.config.StorageSettings;
import dev.cacheserver.bootstrap.config.StorageType;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.storage.Capacity;
import dev.cacheserver.domain.storage.PlacementStrategy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the NarStore of each cache from its {@code storages:} list: every storage is opened (local directory
 * or S3 bucket), then grouped under the cache's {@code storage-strategy} with placements persisted in the
 * database. The usage per storage goes to the startup log.
 */
final class NarStores {
    private static final Logger LOG = LoggerFactory.getLogger(NarStores.class);
    private final Vertx vertx;
    private final MetadataDatabase database;
    /** On a mount replicas share, a spool file this long untouched is a crash's leftover, not an upload. */
    static final java.time.Duration SHARED_SPOOL_LEFTOVER_AGE = java.time.Duration.ofHours(1);
    private final Path dataDir;

    NarStores(Vertx vertx, MetadataDatabase database, Path dataDir) {
        this.vertx = vertx;
        this.database = database;
        this.dataDir = dataDir;
    }

    Future<StorageGroupNarStore> open(CacheSettings settings) {
        List<Future<StorageGroupNarStore.Member>> opening = new ArrayList<>();
        for (StorageSettings storage : settings.storages()) {
            opening.add(member(settings, storage));
        }
        return Future.join(opening).transform(all -> {
            List<StorageGroupNarStore.Member> members = new ArrayList<>();
            for (Future<StorageGroupNarStore.Member> f : opening) {
                if (f.succeeded()) {
                    members.add(f.result());
                }
            }
            if (all.failed()) {
                members.forEach(NarStores::close);
                Throwable cause = opening.stream().filter(Future::failed).findFirst().orElseThrow().cause();
                return Future.failedFuture(new StartupException("cache " + settings.name() + ": cannot open storage: "
                        + cause.getMessage(), cause));
            }
            return StorageGroupNarStore.open(vertx, new CacheName(settings.name()), members,
                    PlacementStrategy.named(settings.storageStrategy().yaml()), database.placements())
                    .onFailure(e -> members.forEach(NarStores::close))
                    .onSuccess(group -> logUsage(settings, group));
        });
    }

    private Future<StorageGroupNarStore.Member> member(CacheSettings cache, StorageSettings storage) {
        Capacity capacity = new Capacity(storage.maxSize(), storage.minFree());
        int split = storage.split().orElse(0);
        if (storage.type() == StorageType.LOCAL) {
            Path dir = localDirectory(cache, storage);
            return LocalNarStore.open(vertx, dir, storage.shared() ? SHARED_SPOOL_LEFTOVER_AGE : java.time.Duration.ZERO).map(store -> new StorageGroupNarStore.Member(storage.name(), "local",
                    store, capacity, split, Optional.of(dir)));
        }
        StorageSettings.S3 s3 = storage.s3().orElseThrow();
        S3StoreOptions options = new S3StoreOptions(storage.name(), s3.bucket(), s3KeyPrefix(cache, storage),
                s3.region(), s3.accessKey(), s3.secretKey(), s3.endpoint(), s3.pathStyle(), s3.redirect(),
                S3StoreOptions.HttpClientKind.fromSystemProperty(), S3StoreOptions.DEFAULT_PART_SIZE);
        return S3NarStore.open(vertx, options, s3SpoolDirectory(cache, storage))
                .map(store -> new StorageGroupNarStore.Member(storage.name(), "s3", store, capacity, split,
                        Optional.empty()));
    }

    private static void logUsage(CacheSettings settings, StorageGroupNarStore group) {
        for (StorageGroupNarStore.MemberUsage usage : group.usageByStorage()) {
            LOG.info("cache {}: storage '{}' ({}) holds {} NAR files, {} bytes{}", settings.name(), usage.name(),
                    usage.type(), usage.files(), usage.bytes(), usage.full() ? " (full: max-size reached)" : "");
        }
        if (settings.storages().size() > 1) {
            LOG.info("cache {}: new NARs are placed by storage-strategy {}", settings.name(),
                    settings.storageStrategy().yaml());
        }
    }

    private static void close(StorageGroupNarStore.Member member) {
        if (member.store() instanceof S3NarStore s3) {
            s3.close();
        }
    }

    /** Releases the S3 clients of a cache's storages. */
    static void close(StorageGroupNarStore group) {
        group.members().forEach(NarStores::close);
    }

    /** The original's layout: {@code <root>/<cache>/<storage name>/}. */
    static Path localDirectory(CacheSettings cache, StorageSettings storage) {
        return storage.root().resolve(cache.name()).resolve(storage.name());
    }

    /** Also the original's layout, as a key prefix: {@code <root>/<cache>/<storage name>/}. */
    static String s3KeyPrefix(CacheSettings cache, StorageSettings storage) {
        String root = storage.root().toString();
        return (root.isEmpty() ? "" : root + "/") + cache.name() + "/" + storage.name() + "/";
    }

    /** S3 uploads are spooled (their FileHash checked) on local disk under the data directory. */
    private Path s3SpoolDirectory(CacheSettings cache, StorageSettings storage) {
        return dataDir.resolve("spool").resolve(cache.name()).resolve(storage.name());
    }
}
