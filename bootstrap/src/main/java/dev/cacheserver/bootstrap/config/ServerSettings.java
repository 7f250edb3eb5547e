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
 * PostgreSQL database when {@code server.database} is a URL ({@code database} is then unused).
 */
public record ServerSettings(Path dataDir, Path database, String hostname, boolean standalone, int dhtPort,
                             String dhtBootstrapHost, int dhtBootstrapPort, List<HostPort> dhtBootstrap,
                             long dhtNetwork, List<String> dhtTrustedKeys, int serverPort, int deployPort,
                             Optional<String> key, Optional<Duration> defaultRetention, int defaultPort,
                             StorageType defaultStorage, StorageStrategyName defaultStorageStrategy,
                             Duration gcInterval, boolean dhtPullThrough, MetricsAccess metricsAccess,
                             RequestLog requestLog, long maxBuildLogBytes,
                             long narInfoCacheBytes, ConnectionLimits connectionLimits,
                             OptionalLong defaultMaxSize, Optional<SharedDatabase> sharedDatabase) {
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
                + ", sharedDatabase=" + sharedDatabase + "]";
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
