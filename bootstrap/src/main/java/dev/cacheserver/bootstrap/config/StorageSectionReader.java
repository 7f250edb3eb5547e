package dev.cacheserver.bootstrap.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Reads one entry of a cache's {@code storages:} into {@link StorageSettings}. Keys that only make sense for the
 * other storage type are errors rather than silently ignored. Cross-storage rules (unique names, split sums)
 * are checked by {@link CacheSectionReader}.
 */
final class StorageSectionReader {
    static final List<String> KEYS = List.of("name", "type", "root", "split", "max-size", "min-free", "s3_bucket",
            "s3_region", "s3_access_key", "s3_secret_key", "s3_endpoint", "s3_path_style", "s3_redirect", "shared");
    static final List<String> S3_KEYS = List.of("s3_bucket", "s3_region", "s3_access_key", "s3_secret_key",
            "s3_endpoint", "s3_path_style", "s3_redirect");

    private static final Pattern BUCKET = Pattern.compile("[^\\s/]+");

    private StorageSectionReader() {
    }

    static StorageSettings read(YamlMap map, UniqueNames names) {
        String name = names.add(map.required("name").matching(NameRules.ENTITY, NameRules.ENTITY_RULE), map.get("name"));
        StorageType type = map.required("type", String.join(", ", Choices.STORAGE_TYPES.keySet()))
                .oneOf(Choices.STORAGE_TYPES);
        OptionalInt split = map.has("split") ? OptionalInt.of((int) map.get("split").integer(0, 100)) : OptionalInt.empty();
        OptionalLong maxSize = ConfigValues.size(map.get("max-size"), 1);
        return type == StorageType.LOCAL ? local(map, name, split, maxSize) : s3(map, name, split, maxSize);
    }

    private static StorageSettings local(YamlMap map, String name, OptionalInt split, OptionalLong maxSize) {
        for (String key : S3_KEYS) {
            if (map.has(key)) {
                throw map.get(key).failWithoutValue("only applies to storages of type s3 (this one is local)");
            }
        }
        Path root = ConfigValues.path(map.required("root"));
        OptionalLong minFree = ConfigValues.size(map.get("min-free"), 0);
        boolean shared = map.has("shared") && map.get("shared").bool();
        return new StorageSettings(name, StorageType.LOCAL, root, split, Optional.empty(), maxSize, minFree, shared);
    }

    private static StorageSettings s3(YamlMap map, String name, OptionalInt split, OptionalLong maxSize) {
        if (map.has("min-free")) {
            throw map.get("min-free").failWithoutValue("only applies to local storages; an S3 bucket has no free space "
                    + "to measure (use max-size)");
        }
        if (map.has("shared")) {
            throw map.get("shared").failWithoutValue("only applies to local storages; an S3 bucket is always shared "
                    + "by every replica");
        }
        // For S3, root is a key prefix inside the bucket, not a filesystem path: no ~ or relative resolution.
        Path prefix = map.has("root") ? map.get("root").parse(StorageSectionReader::s3Prefix) : Path.of("");
        String bucket = map.required("s3_bucket").matching(BUCKET, "an S3 bucket name (no spaces or '/')");
        YamlNode accessKey = map.get("s3_access_key");
        YamlNode secretKey = map.get("s3_secret_key");
        if (accessKey.isPresent() != secretKey.isPresent()) {
            YamlNode missing = accessKey.isPresent() ? secretKey : accessKey;
            YamlNode given = accessKey.isPresent() ? accessKey : secretKey;
            throw missing.failWithoutValue("is required because " + lastKey(given) + " is set; set both, or neither "
                    + "to use the default AWS credential chain");
        }
        StorageSettings.S3 s3 = new StorageSettings.S3(
                bucket,
                map.has("s3_region") ? Optional.of(map.get("s3_region").nonEmptyString()) : Optional.empty(),
                accessKey.isPresent() ? Optional.of(accessKey.nonEmptyString()) : Optional.empty(),
                secretKey.isPresent() ? Optional.of(secretKey.nonEmptyString()) : Optional.empty(),
                map.has("s3_endpoint") ? Optional.of(ConfigValues.url(map.get("s3_endpoint"))) : Optional.empty(),
                map.has("s3_path_style") && map.get("s3_path_style").bool(),
                map.has("s3_redirect") && map.get("s3_redirect").bool());
        return new StorageSettings(name, StorageType.S3, prefix, split, Optional.of(s3), maxSize, OptionalLong.empty());
    }

    /** Leading and trailing slashes are dropped so the prefix joins cleanly with {@code <cache>/<storage>/}. */
    private static Path s3Prefix(String raw) {
        return Path.of(raw.strip().replaceAll("^/+|/+$", ""));
    }

    private static String lastKey(YamlNode node) {
        return node.path().substring(node.path().lastIndexOf('.') + 1);
    }
}
