package dev.cacheserver.bootstrap.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The YAML spellings of the enumerated settings, in a fixed order so "allowed:" lists read the same every run. */
final class Choices {
    static final Map<String, StorageStrategyName> STRATEGIES;
    static final Map<String, StorageType> STORAGE_TYPES;
    static final Map<String, CacheSettings.Access> ACCESS;
    static final Map<String, String> COMPRESSION;
    static final Map<String, ServerSettings.MetricsAccess> METRICS_ACCESS;
    static final Map<String, ServerSettings.RequestLog> REQUEST_LOG;

    static {
        Map<String, StorageStrategyName> strategies = new LinkedHashMap<>();
        for (StorageStrategyName name : StorageStrategyName.values()) {
            strategies.put(name.yaml(), name);
        }
        STRATEGIES = Collections.unmodifiableMap(strategies);
        STORAGE_TYPES = lowercaseNames(StorageType.values());
        ACCESS = lowercaseNames(CacheSettings.Access.values());
        Map<String, String> compression = new LinkedHashMap<>();
        compression.put("zstd", "zstd");
        compression.put("xz", "xz");
        COMPRESSION = Collections.unmodifiableMap(compression);
        METRICS_ACCESS = lowercaseNames(ServerSettings.MetricsAccess.values());
        REQUEST_LOG = lowercaseNames(ServerSettings.RequestLog.values());
    }

    private Choices() {
    }

    private static <E extends Enum<E>> Map<String, E> lowercaseNames(E[] values) {
        Map<String, E> names = new LinkedHashMap<>();
        for (E value : values) {
            names.put(value.name().toLowerCase(Locale.ROOT), value);
        }
        return Collections.unmodifiableMap(names);
    }
}
