package dev.cacheserver.bootstrap.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code server:} section. {@code hostname} is the bind address (the original's meaning);
 * {@code key} is the HS256 token secret (empty: generated once and kept in {@code dataDir/server.key});
 * {@code defaultRetention} empty means keep forever. {@code dhtBootstrap} is the complete list of bootstrap nodes
 * (the {@code dht-bootstrap} entries plus {@code dht-bootstrap-host:dht-bootstrap-port} when those keys are written
 * or when there is no list); {@code dhtNetwork} is the OpenDHT network id, never 0 (the public network);
 * {@code dhtTrustedKeys} are Nix public keys {@code name:base64}. {@code dhtPullThrough}: a NAR streamed from a
 * cluster peer is also stored here and its narinfo published in the cache that served it.
 * {@code metricsAccess}: who may read {@code /metrics} on server-port; {@code requestLog}: the level of the
 * one-line-per-request access log. {@code maxBuildLogBytes}: the largest build log a client may upload.
 * {@code narInfoCacheBytes}: the size of the in-memory cache of rendered narinfos.
 * one-line-per-request access log. {@code defaultMaxSize}: the caches' {@code max-size} when they set none.
 * {@code connectionLimits}: what one client connection may cost every port. {@code sharedDatabase}: the
 * PostgreSQL database when {@code server.database} is a URL ({@code database} is then unused). {@code uploadDir}:
 * where Cachix multipart part files wait for their {@code complete} ({@code <data-dir>/uploads} by default).
 */
public record ServerSettings(Path dataDir, Path database, String hostname, boolean standalone, int dhtPort,
                             String dhtBootstrapHost, int dhtBootstrapPort, List<HostPort> dhtBootstrap,
                             long dhtNetwork, List<String> dhtTrustedKeys, int serverPort, int deployPort,
                             Optional<String> key, Optional<Duration> defaultRetention, int defaultPort,
                             StorageType defaultStorage, StorageStrategyName defaultStorageStrategy,
                             Duration gcInterval, boolean dhtPullThrough, MetricsAccess metricsAccess,
                             RequestLog requestLog, long maxBuildLogBytes,
                             long narInfoCacheBytes, ConnectionLimits connectionLimits,
                             OptionalLong defaultMaxSize, Optional<SharedDatabase> sharedDatabase,
                             Path uploadDir) {
    public ServerSettings {
        dhtBootstrap = List.copyOf(dhtBootstrap);
        dhtTrustedKeys = List.copyOf(dhtTrustedKeys);
    }

    /** Like the generated one, but the token key is never printed (configs get logged). */
    @Override
    public String toString() {
        return "ServerSettings[dataDir=" + dataDir + ", database=" + database + ", hostname=" + hostname
                + ", standalone=" + standalone + ", dhtPort=" + dhtPort + ", dhtBootstrapHost=" + dhtBootstrapHost
                + ", dhtBootstrapPort=" + dhtBootstrapPort + ", dhtBootstrap=" + dhtBootstrap + ", dhtNetwork=" + dhtNetwork
                + ", dhtTrustedKeys=" + dhtTrustedKeys + ", serverPort=" + serverPort + ", deployPort=" + deployPort
                + ", key=" + (key.isPresent() ? "<hidden>" : "<generated>") + ", defaultRetention=" + defaultRetention
                + ", defaultPort=" + defaultPort + ", defaultStorage=" + defaultStorage
                + ", defaultStorageStrategy=" + defaultStorageStrategy + ", gcInterval=" + gcInterval
                + ", dhtPullThrough=" + dhtPullThrough + ", metricsAccess=" + metricsAccess
                + ", requestLog=" + requestLog + ", maxBuildLogBytes=" + maxBuildLogBytes
                + ", narInfoCacheBytes=" + narInfoCacheBytes
                + ", connectionLimits=" + connectionLimits + ", defaultMaxSize=" + defaultMaxSize
                + ", sharedDatabase=" + sharedDatabase + ", uploadDir=" + uploadDir + "]";
    }

    /** A builder holding this record's values, to change some of them ({@code settings.toBuilder().key(k).build()}). */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@code ServerSettings} key by key, so a new key touches this file only: the reader sets what the file
     * says, a reload copies the running settings and sets the live keys. Unset values are null (zero for numbers);
     * the reader sets every one.
     */
    public static final class Builder {
        private Path dataDir;
        private Path database;
        private String hostname;
        private boolean standalone;
        private int dhtPort;
        private String dhtBootstrapHost;
        private int dhtBootstrapPort;
        private List<HostPort> dhtBootstrap;
        private long dhtNetwork;
        private List<String> dhtTrustedKeys;
        private int serverPort;
        private int deployPort;
        private Optional<String> key;
        private Optional<Duration> defaultRetention;
        private int defaultPort;
        private StorageType defaultStorage;
        private StorageStrategyName defaultStorageStrategy;
        private Duration gcInterval;
        private boolean dhtPullThrough;
        private MetricsAccess metricsAccess;
        private RequestLog requestLog;
        private long maxBuildLogBytes;
        private long narInfoCacheBytes;
        private ConnectionLimits connectionLimits;
        private OptionalLong defaultMaxSize;
        private Optional<SharedDatabase> sharedDatabase = Optional.empty();
        private Path uploadDir;

        private Builder() {
        }

        private Builder(ServerSettings s) {
            dataDir = s.dataDir;
            database = s.database;
            hostname = s.hostname;
            standalone = s.standalone;
            dhtPort = s.dhtPort;
            dhtBootstrapHost = s.dhtBootstrapHost;
            dhtBootstrapPort = s.dhtBootstrapPort;
            dhtBootstrap = s.dhtBootstrap;
            dhtNetwork = s.dhtNetwork;
            dhtTrustedKeys = s.dhtTrustedKeys;
            serverPort = s.serverPort;
            deployPort = s.deployPort;
            key = s.key;
            defaultRetention = s.defaultRetention;
            defaultPort = s.defaultPort;
            defaultStorage = s.defaultStorage;
            defaultStorageStrategy = s.defaultStorageStrategy;
            gcInterval = s.gcInterval;
            dhtPullThrough = s.dhtPullThrough;
            metricsAccess = s.metricsAccess;
            requestLog = s.requestLog;
            maxBuildLogBytes = s.maxBuildLogBytes;
            narInfoCacheBytes = s.narInfoCacheBytes;
            connectionLimits = s.connectionLimits;
            defaultMaxSize = s.defaultMaxSize;
            sharedDatabase = s.sharedDatabase;
            uploadDir = s.uploadDir;
        }

        public Builder dataDir(Path value) { dataDir = value; return this; }
        public Builder database(Path value) { database = value; return this; }
        public Builder hostname(String value) { hostname = value; return this; }
        public Builder standalone(boolean value) { standalone = value; return this; }
        public Builder dhtPort(int value) { dhtPort = value; return this; }
        public Builder dhtBootstrapHost(String value) { dhtBootstrapHost = value; return this; }
        public Builder dhtBootstrapPort(int value) { dhtBootstrapPort = value; return this; }
        public Builder dhtBootstrap(List<HostPort> value) { dhtBootstrap = value; return this; }
        public Builder dhtNetwork(long value) { dhtNetwork = value; return this; }
        public Builder dhtTrustedKeys(List<String> value) { dhtTrustedKeys = value; return this; }
        public Builder serverPort(int value) { serverPort = value; return this; }
        public Builder deployPort(int value) { deployPort = value; return this; }
        public Builder key(Optional<String> value) { key = value; return this; }
        public Builder defaultRetention(Optional<Duration> value) { defaultRetention = value; return this; }
        public Builder defaultPort(int value) { defaultPort = value; return this; }
        public Builder defaultStorage(StorageType value) { defaultStorage = value; return this; }
        public Builder defaultStorageStrategy(StorageStrategyName value) { defaultStorageStrategy = value; return this; }
        public Builder gcInterval(Duration value) { gcInterval = value; return this; }
        public Builder dhtPullThrough(boolean value) { dhtPullThrough = value; return this; }
        public Builder metricsAccess(MetricsAccess value) { metricsAccess = value; return this; }
        public Builder requestLog(RequestLog value) { requestLog = value; return this; }
        public Builder maxBuildLogBytes(long value) { maxBuildLogBytes = value; return this; }
        public Builder narInfoCacheBytes(long value) { narInfoCacheBytes = value; return this; }
        public Builder connectionLimits(ConnectionLimits value) { connectionLimits = value; return this; }
        public Builder defaultMaxSize(OptionalLong value) { defaultMaxSize = value; return this; }
        public Builder sharedDatabase(Optional<SharedDatabase> value) { sharedDatabase = value; return this; }
        public Builder uploadDir(Path value) { uploadDir = value; return this; }

        public ServerSettings build() {
            return new ServerSettings(dataDir, database, hostname, standalone, dhtPort, dhtBootstrapHost,
                    dhtBootstrapPort, dhtBootstrap, dhtNetwork, dhtTrustedKeys, serverPort, deployPort, key,
                    defaultRetention, defaultPort, defaultStorage, defaultStorageStrategy, gcInterval,
                    dhtPullThrough, metricsAccess, requestLog, maxBuildLogBytes, narInfoCacheBytes, connectionLimits,
                    defaultMaxSize, sharedDatabase, uploadDir == null ? dataDir.resolve("uploads") : uploadDir);
        }
    }

    public record HostPort(String host, int port) {
    }

    /**
     * {@code request-header-timeout}, {@code request-body-timeout}, {@code request-body-min-rate} (bytes per second)
     * and {@code max-connections} (per port).
     */
    public record ConnectionLimits(Duration headerTimeout, Duration bodyTimeout, long bodyMinRate, int maxConnections) {
    }

    /** {@code metrics-access}: {@code admin} (an admin token), {@code public} or {@code off} (no endpoint, no recording). */
    public enum MetricsAccess { ADMIN, PUBLIC, OFF }

    /** {@code request-log}: {@code off}, or one access log line per request at {@code debug} or {@code info}. */
    public enum RequestLog { OFF, DEBUG, INFO }
}
