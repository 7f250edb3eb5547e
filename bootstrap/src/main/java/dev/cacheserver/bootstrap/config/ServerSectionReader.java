package dev.cacheserver.bootstrap.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the {@code server:} section into {@link ServerSettings}: every key of the original plus data-dir,
 * dht-bootstrap, dht-network, dht-trusted-keys, gc-interval, metrics-access, request-log, max-build-log-size, narinfo-cache-size the upstream keys and the connection limits. Every key is optional; see the defaults below.
 */
final class ServerSectionReader {
    static final List<String> KEYS = List.of("data-dir", "database", "hostname", "standalone", "dht-port",
            "dht-bootstrap-host", "dht-bootstrap-port", "dht-bootstrap", "dht-network", "dht-trusted-keys",
            "server-port", "deploy-port", "key", "default-retention", "default-port", "default-storage", "default-max-size",
            "default-storage-strategy", "gc-interval", "dht-pull-through", "metrics-access", "request-log",
            "max-build-log-size", "upstreams", "upstream-timeout", "upstream-negative-ttl", "upstream-backoff",
            "narinfo-cache-size", "request-header-timeout", "request-body-timeout", "request-body-min-rate",
            "max-connections", "database-password-file", "database-pool-size", "upload-dir");

    static final String DEFAULT_HOSTNAME = "0.0.0.0";
    static final int DEFAULT_DHT_PORT = 4222;
    static final String DEFAULT_DHT_BOOTSTRAP_HOST = "localhost";
    static final int DEFAULT_DHT_BOOTSTRAP_PORT = 4223;
    /** Never 0: that is the public OpenDHT network, which a private cache network must not join. */
    static final long DEFAULT_DHT_NETWORK = 1;
    static final long MAX_DHT_NETWORK = 0xFFFF_FFFFL;
    static final int DEFAULT_SERVER_PORT = 5000;
    static final int DEFAULT_DEPLOY_PORT = 5001;
    static final int DEFAULT_PORT = 8080;
    static final Duration DEFAULT_GC_INTERVAL = Duration.ofHours(1);
    static final String DATABASE_FILE = "db.sqlite";
    /** Generous for a compressed or plain build log; bounds the disk a client with a write token can fill per log. */
    static final long DEFAULT_MAX_BUILD_LOG_BYTES = 256L << 20;
    static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);
    static final long DEFAULT_BODY_MIN_RATE = 1024;
    static final int DEFAULT_MAX_CONNECTIONS = 4096;
    static final int MAX_MAX_CONNECTIONS = 1_000_000;

    // A bind address or host name: no scheme, path, port or spaces.
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9.:%_-]+");

    private ServerSectionReader() {
    }

    /** Rendered narinfos kept in memory per cache (64 MiB). */
    static final long DEFAULT_NARINFO_CACHE_BYTES = 64L << 20;

    static ServerSettings read(YamlNode section, boolean standaloneDefault) {
        YamlMap map = section.map(KEYS);
        Path dataDir = dataDir(map.get("data-dir"));
        YamlNode database = map.get("database");
        YamlNode dhtBootstrapHost = map.get("dht-bootstrap-host");
        YamlNode dhtBootstrapPort = map.get("dht-bootstrap-port");
        String bootstrapHost = dhtBootstrapHost.isPresent() ? hostname(dhtBootstrapHost) : DEFAULT_DHT_BOOTSTRAP_HOST;
        int bootstrapPort = dhtBootstrapPort.isPresent() ? dhtBootstrapPort.port() : DEFAULT_DHT_BOOTSTRAP_PORT;
        boolean legacyBootstrapGiven = dhtBootstrapHost.isPresent() || dhtBootstrapPort.isPresent();
        YamlNode key = map.get("key");
        YamlNode defaultRetention = map.get("default-retention");
        YamlNode gcInterval = map.get("gc-interval");
        return ServerSettings.builder()
                .dataDir(dataDir)
                .database(database.isPresent() && !SharedDatabaseReader.isUrl(database) ? ConfigValues.path(database)
                        : dataDir.resolve(DATABASE_FILE))
                .hostname(map.has("hostname") ? hostname(map.get("hostname")) : DEFAULT_HOSTNAME)
                .standalone(map.has("standalone") ? map.get("standalone").bool() : standaloneDefault)
                .dhtPort(map.has("dht-port") ? map.get("dht-port").port() : DEFAULT_DHT_PORT)
                .dhtBootstrapHost(bootstrapHost)
                .dhtBootstrapPort(bootstrapPort)
                .dhtBootstrap(dhtBootstrap(map.get("dht-bootstrap"),
                        new ServerSettings.HostPort(bootstrapHost, bootstrapPort), legacyBootstrapGiven))
                .dhtNetwork(dhtNetwork(map.get("dht-network")))
                .dhtTrustedKeys(trustedKeys(map.get("dht-trusted-keys")))
                .serverPort(map.has("server-port") ? map.get("server-port").port() : DEFAULT_SERVER_PORT)
                .deployPort(map.has("deploy-port") ? map.get("deploy-port").port() : DEFAULT_DEPLOY_PORT)
                .key(key.isPresent() ? Optional.of(secret(key)) : Optional.empty())
                .defaultRetention(defaultRetention.isPresent() ? ConfigValues.retention(defaultRetention)
                        : Optional.empty())
                .defaultPort(map.has("default-port") ? map.get("default-port").port() : DEFAULT_PORT)
                .defaultStorage(map.has("default-storage") ? map.get("default-storage").oneOf(Choices.STORAGE_TYPES)
                        : StorageType.LOCAL)
                .defaultStorageStrategy(map.has("default-storage-strategy")
                        ? map.get("default-storage-strategy").oneOf(Choices.STRATEGIES)
                        : StorageStrategyName.ROUND_ROBIN)
                .gcInterval(gcInterval.isPresent() ? ConfigValues.interval(gcInterval) : DEFAULT_GC_INTERVAL)
                .dhtPullThrough(!map.has("dht-pull-through") || map.get("dht-pull-through").bool())
                .metricsAccess(map.has("metrics-access") ? choiceOrOff(map.get("metrics-access"),
                        Choices.METRICS_ACCESS, ServerSettings.MetricsAccess.OFF) : ServerSettings.MetricsAccess.ADMIN)
                .requestLog(map.has("request-log") ? choiceOrOff(map.get("request-log"), Choices.REQUEST_LOG,
                        ServerSettings.RequestLog.OFF) : ServerSettings.RequestLog.OFF)
                .maxBuildLogBytes(ConfigValues.size(map.get("max-build-log-size"), 1)
                        .orElse(DEFAULT_MAX_BUILD_LOG_BYTES))
                .narInfoCacheBytes(ConfigValues.size(map.get("narinfo-cache-size"), 0)
                        .orElse(DEFAULT_NARINFO_CACHE_BYTES))
                .connectionLimits(connectionLimits(map))
                .defaultMaxSize(ConfigValues.size(map.get("default-max-size"), 1))
                .sharedDatabase(SharedDatabaseReader.read(map))
                .uploadDir(map.has("upload-dir") ? ConfigValues.path(map.get("upload-dir")) : dataDir.resolve("uploads"))
                .build();
    }

    private static ServerSettings.ConnectionLimits connectionLimits(YamlMap map) {
        YamlNode header = map.get("request-header-timeout");
        YamlNode body = map.get("request-body-timeout");
        YamlNode maxConnections = map.get("max-connections");
        return new ServerSettings.ConnectionLimits(
                header.isPresent() ? ConfigValues.interval(header) : DEFAULT_HEADER_TIMEOUT,
                body.isPresent() ? ConfigValues.interval(body) : DEFAULT_BODY_TIMEOUT,
                ConfigValues.size(map.get("request-body-min-rate"), 0).orElse(DEFAULT_BODY_MIN_RATE),
                maxConnections.isPresent() ? (int) maxConnections.integer(1, MAX_MAX_CONNECTIONS) : DEFAULT_MAX_CONNECTIONS);
    }

    /** One of {@code choices}; an unquoted {@code off} (a YAML 1.1 boolean, like {@code false}) means {@code off}. */
    private static <E> E choiceOrOff(YamlNode node, java.util.Map<String, E> choices, E off) {
        if (node.isScalarWithTag(org.yaml.snakeyaml.nodes.Tag.BOOL) && !node.bool()) {
            return off;
        }
        return node.oneOf(choices);
    }

    /** {@code server.data-dir}, else {@code $XDG_DATA_HOME/cache-server}. */
    static Path dataDir(YamlNode node) {
        if (node.isPresent()) {
            return ConfigValues.path(node);
        }
        return ConfigPaths.defaultDataDir(node.context().env()).orElseThrow(() -> node.failWithoutValue(
                "is not set, and there is no default because neither XDG_DATA_HOME nor HOME is set; "
                        + "set server.data-dir to the directory for the database and NARs"));
    }

    private static String hostname(YamlNode node) {
        return node.matching(HOSTNAME, "a host name or IP address such as 0.0.0.0, 127.0.0.1, ::1 or cache.example.org "
                + "(no scheme, port or path)");
    }

    private static String secret(YamlNode key) {
        String value = key.string();
        if (value.isEmpty()) {
            throw key.failWithoutValue("must not be empty; remove the key to have a random one generated "
                    + "(kept in the data directory)");
        }
        return value;
    }

    private static long dhtNetwork(YamlNode node) {
        if (!node.isPresent()) {
            return DEFAULT_DHT_NETWORK;
        }
        long network = node.integer(0, MAX_DHT_NETWORK);
        if (network == 0) {
            throw node.fail("must not be 0: that is the public OpenDHT network; pick any number from 1 to "
                    + MAX_DHT_NETWORK + " shared by your cache nodes");
        }
        return network;
    }

    /**
     * The complete bootstrap list: the {@code dht-bootstrap} entries, plus the original's dht-bootstrap-host/port
     * pair when it was written explicitly or when there is no list (so old configs keep working).
     */
    private static List<ServerSettings.HostPort> dhtBootstrap(YamlNode node, ServerSettings.HostPort legacy,
                                                              boolean legacyGiven) {
        LinkedHashSet<ServerSettings.HostPort> nodes = new LinkedHashSet<>();
        for (YamlNode item : node.list("host:port strings")) {
            nodes.add(item.parse(HostPorts::parse));
        }
        if (legacyGiven || !node.isPresent()) {
            nodes.add(legacy);
        }
        return new ArrayList<>(nodes);
    }

    private static List<String> trustedKeys(YamlNode node) {
        List<String> keys = new ArrayList<>();
        for (YamlNode item : node.list("Nix public keys name:base64")) {
            keys.add(item.parse(NixPublicKeys::check));
        }
        return keys;
    }
}
