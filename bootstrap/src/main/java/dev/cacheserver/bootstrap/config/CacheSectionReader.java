package dev.cacheserver.bootstrap.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * Reads {@code caches:} into {@link CacheSettings}, applying the server defaults (port, retention, strategy) and
 * checking what spans entries: unique cache names, unique ports (also against server-port and deploy-port),
 * unique storage names per cache, and split percentages. No {@code caches:} at all means the single default
 * cache {@code main}; an empty list is an error.
 */
final class CacheSectionReader {
    static final List<String> KEYS = List.of("name", "port", "access", "retention", "storage-strategy", "storages",
            "enabled", "url", "priority", "compression", "signing-key-file", "signing-key-files", "upstreams",
            "max-size");

    static final String DEFAULT_CACHE_NAME = "main";
    static final String DEFAULT_STORAGE_NAME = "default";
    static final String DEFAULT_STORAGE_DIR = "storage";
    /** The Priority the original's nix-cache-info served. */
    static final int DEFAULT_PRIORITY = 30;
    static final int MAX_PRIORITY = 1000;
    static final String DEFAULT_COMPRESSION = "zstd";

    private CacheSectionReader() {
    }

    static List<CacheSettings> read(YamlNode section, ServerSettings server, PortRegistry ports) {
        if (!section.isPresent()) {
            if (server.defaultStorage() == StorageType.S3) {
                throw section.failWithoutValue("is missing, and the default cache cannot be created on "
                        + "server.default-storage s3 without a bucket; add a caches: section with an s3 storage");
            }
            SharedStorageRule.checkImplicit(server, section);
            CacheSettings main = defaultCache(server);
            ports.claim(main.port(), "caches", "the default cache \"main\"", "from server.default-port");
            return List.of(main);
        }
        List<YamlNode> items = section.list("caches");
        if (items.isEmpty()) {
            throw section.fail("must list at least one cache; remove the key to get the default cache \""
                    + DEFAULT_CACHE_NAME + "\"");
        }
        UniqueNames names = new UniqueNames("cache");
        List<CacheSettings> caches = new ArrayList<>();
        for (YamlNode item : items) {
            caches.add(readCache(item.map(KEYS), server, names, ports));
        }
        return caches;
    }

    /** The cache used when the config has no {@code caches:}; also the embedded default's cache. */
    static CacheSettings defaultCache(ServerSettings server) {
        return CacheSettings.builder().name(DEFAULT_CACHE_NAME).port(server.defaultPort())
                .access(CacheSettings.Access.PUBLIC).retention(server.defaultRetention())
                .storageStrategy(server.defaultStorageStrategy()).storages(List.of(defaultStorage(server)))
                .enabled(true).url(Optional.empty()).priority(DEFAULT_PRIORITY).compression(DEFAULT_COMPRESSION)
                .signingKeyFiles(List.of()).maxSize(server.defaultMaxSize()).build();
    }

    /** One local storage {@code default} under {@code <data-dir>/storage}. */
    static StorageSettings defaultStorage(ServerSettings server) {
        return new StorageSettings(DEFAULT_STORAGE_NAME, StorageType.LOCAL, server.dataDir().resolve(DEFAULT_STORAGE_DIR),
                OptionalInt.empty(), Optional.empty(), OptionalLong.empty(), OptionalLong.empty());
    }

    private static CacheSettings readCache(YamlMap map, ServerSettings server, UniqueNames names, PortRegistry ports) {
        YamlNode nameNode = map.required("name");
        String name = names.add(nameNode.matching(NameRules.CACHE, NameRules.CACHE_RULE), nameNode);
        YamlNode portNode = map.get("port");
        int port = portNode.isPresent() ? portNode.port() : server.defaultPort();
        ports.claim(port, portNode.path(), "cache \"" + name + "\" (" + map.path() + ")",
                portNode.isPresent() ? "" : "from server.default-port");
        StorageStrategyName strategy = map.has("storage-strategy")
                ? map.get("storage-strategy").oneOf(Choices.STRATEGIES)
                : server.defaultStorageStrategy();
        Optional<Duration> retention = map.has("retention")
                ? ConfigValues.retention(map.get("retention"))
                : server.defaultRetention();
        return CacheSettings.builder()
                .name(name)
                .port(port)
                .access(map.has("access") ? map.get("access").oneOf(Choices.ACCESS) : CacheSettings.Access.PUBLIC)
                .retention(retention)
                .storageStrategy(strategy)
                .storages(storages(map.get("storages"), strategy, server))
                .enabled(!map.has("enabled") || map.get("enabled").bool())
                .url(map.has("url") ? Optional.of(ConfigValues.url(map.get("url"))) : Optional.<URI>empty())
                .priority(map.has("priority") ? (int) map.get("priority").integer(0, MAX_PRIORITY) : DEFAULT_PRIORITY)
                .compression(map.has("compression") ? map.get("compression").oneOf(Choices.COMPRESSION)
                        : DEFAULT_COMPRESSION)
                .signingKeyFiles(signingKeyFiles(map))
                .maxSize(map.has("max-size") ? ConfigValues.size(map.get("max-size"), 1) : server.defaultMaxSize())
                .build();
    }

    /** {@code signing-key-file} (one key) or {@code signing-key-files} (a rotation: the first signs first). */
    private static List<Path> signingKeyFiles(YamlMap map) {
        if (map.has("signing-key-file") && map.has("signing-key-files")) {
            throw map.get("signing-key-files").failWithoutValue("cannot be used together with signing-key-file; "
                    + "list every key under signing-key-files (the current one first)");
        }
        if (map.has("signing-key-file")) {
            return List.of(ConfigValues.path(map.get("signing-key-file")));
        }
        if (!map.has("signing-key-files")) {
            return List.of();
        }
        YamlNode section = map.get("signing-key-files");
        List<YamlNode> items = section.list("key files");
        if (items.isEmpty()) {
            throw section.fail("must list at least one key file; remove the key to use the generated key");
        }
        List<Path> files = new ArrayList<>();
        for (YamlNode item : items) {
            Path file = ConfigValues.path(item);
            if (files.contains(file)) {
                throw item.fail("lists the key file " + file + " twice");
            }
            files.add(file);
        }
        return files;
    }

    private static List<StorageSettings> storages(YamlNode section, StorageStrategyName strategy, ServerSettings server) {
        if (!section.isPresent()) {
            if (strategy == StorageStrategyName.SPLIT) {
                throw section.failWithoutValue("is required with storage-strategy split: list the storages and give "
                        + "each a split percentage");
            }
            if (server.defaultStorage() == StorageType.S3) {
                throw section.failWithoutValue("is required because server.default-storage is s3 and an S3 storage "
                        + "needs at least s3_bucket");
            }
            SharedStorageRule.checkImplicit(server, section);
            return List.of(defaultStorage(server));
        }
        List<YamlNode> items = section.list("storages");
        if (items.isEmpty()) {
            throw section.fail("needs at least one storage; remove the key to get one local storage under the "
                    + "data directory");
        }
        UniqueNames names = new UniqueNames("storage");
        List<YamlMap> maps = new ArrayList<>();
        List<StorageSettings> storages = new ArrayList<>();
        for (YamlNode item : items) {
            YamlMap map = item.map(StorageSectionReader.KEYS);
            maps.add(map);
            storages.add(StorageSectionReader.read(map, names));
        }
        checkSplits(section, maps, storages, strategy);
        SharedStorageRule.check(server, maps, storages);
        return storages;
    }

    /**
     * With the split strategy every storage needs an integer percentage and they must add up to exactly 100
     * (the original let floats through and then silently fell back to in-order). Without it, a split value is
     * an error: it would be ignored, which is rarely what the writer meant.
     */
    private static void checkSplits(YamlNode section, List<YamlMap> maps, List<StorageSettings> storages,
                                    StorageStrategyName strategy) {
        for (int i = 0; i < storages.size(); i++) {
            YamlNode split = maps.get(i).get("split");
            if (strategy == StorageStrategyName.SPLIT && storages.get(i).split().isEmpty()) {
                throw split.failWithoutValue("is required with storage-strategy split: give every storage a "
                        + "percentage from 0 to 100, all adding up to 100");
            }
            if (strategy != StorageStrategyName.SPLIT && storages.get(i).split().isPresent()) {
                throw split.failWithoutValue("is only used with storage-strategy split (this cache uses "
                        + strategy.yaml() + "); remove it or set storage-strategy: split");
            }
        }
        if (strategy == StorageStrategyName.SPLIT) {
            int sum = storages.stream().mapToInt(s -> s.split().getAsInt()).sum();
            if (sum != 100) {
                String parts = storages.stream().map(s -> s.name() + "=" + s.split().getAsInt())
                        .collect(Collectors.joining(", "));
                throw section.failWithoutValue("split percentages must add up to exactly 100, but add up to " + sum
                        + " (" + parts + ")");
            }
        }
    }
}
