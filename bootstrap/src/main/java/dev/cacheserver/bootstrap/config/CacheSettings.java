package dev.cacheserver.bootstrap.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One entry of {@code caches:}. {@code url} is the public URL clients use (default
 * {@code http://<hostname>:<port>}); {@code retention} empty means keep forever; {@code compression} is what
 * the Cachix API advertises as preferred ({@code xz} or {@code zstd}). {@code signingKeyFiles} empty means the
 * generated key; otherwise the first file is the current key and every listed key signs (a key rotation).
 * {@code maxSize}: the most NAR bytes the garbage collector lets the cache keep (empty: no limit).
 */
public record CacheSettings(String name, int port, Access access, Optional<Duration> retention,
                            StorageStrategyName storageStrategy, List<StorageSettings> storages, boolean enabled,
                            Optional<URI> url, int priority, String compression, List<Path> signingKeyFiles,
                            OptionalLong maxSize) {
    public CacheSettings {
        storages = List.copyOf(storages);
        signingKeyFiles = List.copyOf(signingKeyFiles);
    }

    /** The file of the current key, when the key is configured rather than generated. */
    public Optional<Path> signingKeyFile() {
        return signingKeyFiles.stream().findFirst();
    }

    public enum Access { PUBLIC, PRIVATE }
}
