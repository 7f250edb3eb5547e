package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.persistence.MetadataDatabase;
import dev.cacheserver.application.admin.Administration;
import dev.cacheserver.application.port.in.ReportStorageUsage;
import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.CacheSettings;
import dev.cacheserver.bootstrap.config.StorageSettings;
import dev.cacheserver.domain.port.NarPlacementRepository;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code cache-server storage-usage [--cache NAME]}: the NAR files and bytes each storage holds, from the
 * placement records in the database (no storage is walked). Works beside a running server (SQLite WAL readers).
 */
public final class StorageUsageCommand {
    private StorageUsageCommand() {
    }

    public static int run(List<String> args, Optional<Path> configFile, PrintStream out, PrintStream err) throws Exception {
        if (args.contains("--help") || args.contains("-h")) {
            out.println("usage: cache-server [--config FILE] storage-usage [--cache NAME]");
            out.println("Prints the NAR files and bytes held by every storage of every cache (or of NAME).");
            return 0;
        }
        Optional<String> only = Optional.empty();
        if (args.size() == 2 && args.get(0).equals("--cache")) {
            only = Optional.of(args.get(1));
        } else if (!args.isEmpty()) {
            return Main.usage(err, "storage-usage takes only --cache NAME");
        }
        AppConfig config = Main.load(configFile);
        Vertx vertx = Vertx.vertx();
        try {
            MetadataDatabase db = MetadataDatabases.open(vertx, config.server()).await(1, TimeUnit.MINUTES);
            try {
                ReportStorageUsage report = Administration.reportStorageUsage(db.placements());
                for (CacheSettings cache : config.caches()) {
                    if (only.isPresent() && !only.get().equals(cache.name())) {
                        continue;
                    }
                    var usagePerStorage = report.usage(cache.name()).toCompletableFuture()
                            .get(1, TimeUnit.MINUTES);
                    out.println("cache " + cache.name() + " (storage-strategy " + cache.storageStrategy().yaml() + ")");
                    for (StorageSettings storage : cache.storages()) {
                        NarPlacementRepository.Usage usage = usagePerStorage
                                .getOrDefault(storage.name(), new NarPlacementRepository.Usage(0, 0));
                        out.println("  " + storage.name() + " (" + storage.type().name().toLowerCase() + "): "
                                + usage.files() + " NAR files, " + usage.bytes() + " bytes"
                                + storage.maxSize().stream().mapToObj(max -> " of max-size " + max).findFirst().orElse(""));
                    }
                }
            } finally {
                db.close().await(1, TimeUnit.MINUTES);
            }
        } finally {
            vertx.close().await(1, TimeUnit.MINUTES);
        }
        return 0;
    }
}
