package dev.cacheserver.bootstrap.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One entry of a cache's {@code storages:}. Local files live in {@code <root>/<cache>/<storage name>/}
 * (the original's layout); S3 keys under {@code <root>/<cache>/<storage name>/}. {@code maxSize} (bytes) and
 * {@code minFree} (bytes, local only) define "full" for the in-order strategy. {@code shared}: a local root is
 * the same mount on every replica sharing the database (S3 always is).
 */
public record StorageSettings(String name, StorageType type, Path root, OptionalInt split, Optional<S3> s3,
                              OptionalLong maxSize, OptionalLong minFree, boolean shared) {

    /** A storage one process uses alone. */
    public StorageSettings(String name, StorageType type, Path root, OptionalInt split, Optional<S3> s3,
                           OptionalLong maxSize, OptionalLong minFree) {
        this(name, type, root, split, s3, maxSize, minFree, type == StorageType.S3);
    }

    /** The original's {@code s3_*} keys plus {@code s3_endpoint} and {@code s3_path_style}. */
    public record S3(String bucket, Optional<String> region, Optional<String> accessKey, Optional<String> secretKey,
                     Optional<URI> endpoint, boolean pathStyle, boolean redirect) {
        @Override
        public String toString() {
            return "S3[bucket=" + bucket + ", region=" + region + ", endpoint=" + endpoint + ", pathStyle=" + pathStyle
                    + ", credentials=" + (accessKey.isPresent() ? "configured" : "default chain") + "]";
        }
    }
}
