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

    /** A builder holding this entry's values, to change some of them ({@code cache.toBuilder().access(a).build()}). */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@code CacheSettings} key by key, so a new key touches this file only (see ServerSettings.Builder). */
    public static final class Builder {
        private String name;
        private int port;
        private Access access;
        private Optional<Duration> retention;
        private StorageStrategyName storageStrategy;
        private List<StorageSettings> storages;
        private boolean enabled;
        private Optional<URI> url;
        private int priority;
        private String compression;
        private List<Path> signingKeyFiles;
        private OptionalLong maxSize;

        private Builder() {
        }

        private Builder(CacheSettings c) {
            name = c.name;
            port = c.port;
            access = c.access;
            retention = c.retention;
            storageStrategy = c.storageStrategy;
            storages = c.storages;
            enabled = c.enabled;
            url = c.url;
            priority = c.priority;
            compression = c.compression;
            signingKeyFiles = c.signingKeyFiles;
            maxSize = c.maxSize;
        }

        public Builder name(String value) { name = value; return this; }
        public Builder port(int value) { port = value; return this; }
        public Builder access(Access value) { access = value; return this; }
        public Builder retention(Optional<Duration> value) { retention = value; return this; }
        public Builder storageStrategy(StorageStrategyName value) { storageStrategy = value; return this; }
        public Builder storages(List<StorageSettings> value) { storages = value; return this; }
        public Builder enabled(boolean value) { enabled = value; return this; }
        public Builder url(Optional<URI> value) { url = value; return this; }
        public Builder priority(int value) { priority = value; return this; }
        public Builder compression(String value) { compression = value; return this; }
        public Builder signingKeyFiles(List<Path> value) { signingKeyFiles = value; return this; }
        public Builder maxSize(OptionalLong value) { maxSize = value; return this; }

        public CacheSettings build() {
            return new CacheSettings(name, port, access, retention, storageStrategy, storages, enabled, url, priority,
                    compression, signingKeyFiles, maxSize);
        }
    }

    public enum Access { PUBLIC, PRIVATE }
}
