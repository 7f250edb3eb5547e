package dev.cacheserver.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    static final Map<String, String> ENV = Map.of("HOME", "/home/alice");
    static final Path FILE = Path.of("/etc/cache-server/config.yaml");

    static AppConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, Optional.of(FILE), ENV);
    }

    @Test
    void narInfoCacheSizeTakesAByteSize() {
        assertEquals(16L << 20, parse("server:\n  narinfo-cache-size: 16MiB\n").server().narInfoCacheBytes());
        assertEquals(0, parse("server:\n  narinfo-cache-size: 0\n").server().narInfoCacheBytes());
    }

    @Test
    void embeddedDefaultIsOneStandalonePublicCacheUnderXdgDataHome() {
        AppConfig config = ConfigLoader.embeddedDefault(ENV);

        ServerSettings server = config.server();
        Path dataDir = Path.of("/home/alice/.local/share/cache-server");
        assertEquals(dataDir, server.dataDir());
        assertEquals(dataDir.resolve("db.sqlite"), server.database());
        assertEquals("0.0.0.0", server.hostname());
        assertTrue(server.standalone());
        assertEquals(5000, server.serverPort());
        assertEquals(5001, server.deployPort());
        assertEquals(Optional.empty(), server.key());
        assertEquals(Optional.empty(), server.defaultRetention());
        assertEquals(8080, server.defaultPort());
        assertEquals(1, server.dhtNetwork());
        assertEquals(Duration.ofHours(1), server.gcInterval());
        assertEquals(ServerSettings.MetricsAccess.ADMIN, server.metricsAccess());
        assertEquals(ServerSettings.RequestLog.OFF, server.requestLog());
        assertEquals(64L << 20, server.narInfoCacheBytes());
        assertEquals(Optional.empty(), config.source());
        assertEquals(List.of(), config.workspaces());
        assertEquals(List.of(), config.agents());

        CacheSettings main = config.caches().get(0);
        assertEquals(1, config.caches().size());
        assertEquals("main", main.name());
        assertEquals(8080, main.port());
        assertEquals(CacheSettings.Access.PUBLIC, main.access());
        assertEquals(Optional.empty(), main.retention());
        assertTrue(main.enabled());
        assertEquals(30, main.priority());
        assertEquals("zstd", main.compression());
        assertEquals(List.of(new StorageSettings("default", StorageType.LOCAL, dataDir.resolve("storage"),
                OptionalInt.empty(), Optional.empty(), OptionalLong.empty(), OptionalLong.empty())), main.storages());
    }

    @Test
    void embeddedDefaultHonoursXdgDataHome() {
        AppConfig config = ConfigLoader.embeddedDefault(Map.of("HOME", "/home/alice", "XDG_DATA_HOME", "/data"));
        assertEquals(Path.of("/data/cache-server"), config.server().dataDir());
    }

    @Test
    void embeddedDefaultWithoutHomeOrXdgDataHomeSaysWhatToSet() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.embeddedDefault(Map.of()));
        assertTrue(e.getMessage().contains("server.data-dir"), e.getMessage());
        assertTrue(e.getMessage().contains("XDG_DATA_HOME"), e.getMessage());
    }

    /** The shape of the original's example configs: every server key spelled out, caches with storages. */
    @Test
    void originalStyleConfigParses() {
        AppConfig config = parse("""
                server:
                  database: /var/lib/cache-server/db.sqlite
                  hostname: 0.0.0.0
                  standalone: true
                  dht-port: 4222
                  dht-bootstrap-host: localhost
                  dht-bootstrap-port: 4223
                  server-port: 5000
                  deploy-port: 5001
                  key: "secret-token-key"
                  default-retention: 4
                  default-port: 8080
                  default-storage: local
                  default-storage-strategy: round-robin
                caches:
                  - name: main
                    retention: 7
                    port: 8080
                    storage-strategy: in-order
                    storages:
                      - name: s1
                        type: local
                        root: /var/cache/nars
                  - name: other
                    port: 8081
                    access: private
                    storages:
                      - name: s1
                        type: local
                        root: /var/cache/nars
                workspaces:
                  - name: ws
                    cache: main
                agents:
                  - name: agent1
                    workspace: ws
                """);

        ServerSettings server = config.server();
        assertEquals(Path.of("/var/lib/cache-server/db.sqlite"), server.database());
        assertEquals(Path.of("/home/alice/.local/share/cache-server"), server.dataDir());
        assertTrue(server.standalone());
        assertEquals(Optional.of("secret-token-key"), server.key());
        assertEquals(Optional.of(Duration.ofDays(4)), server.defaultRetention());
        assertEquals(List.of(new ServerSettings.HostPort("localhost", 4223)), server.dhtBootstrap());
        assertEquals(StorageStrategyName.ROUND_ROBIN, server.defaultStorageStrategy());

        CacheSettings main = config.caches().get(0);
        assertEquals(Optional.of(Duration.ofDays(7)), main.retention());
        assertEquals(StorageStrategyName.IN_ORDER, main.storageStrategy());
        assertEquals(Path.of("/var/cache/nars"), main.storages().get(0).root());

        CacheSettings other = config.caches().get(1);
        assertEquals(CacheSettings.Access.PRIVATE, other.access());
        assertEquals(Optional.of(Duration.ofDays(4)), other.retention(), "inherits default-retention");
        assertEquals(StorageStrategyName.ROUND_ROBIN, other.storageStrategy(), "inherits default-storage-strategy");
        assertEquals(List.of(new WorkspaceSettings("ws", "main")), config.workspaces());
        assertEquals(List.of(new AgentSettings("agent1", "ws")), config.agents());
        assertEquals(Optional.of(FILE), config.source());
    }

    @Test
    void metricsAccessAndRequestLogAreRead() {
        ServerSettings server = parse("server:\n  metrics-access: public\n  request-log: info\n").server();
        assertEquals(ServerSettings.MetricsAccess.PUBLIC, server.metricsAccess());
        assertEquals(ServerSettings.RequestLog.INFO, server.requestLog());
        ServerSettings off = parse("server:\n  metrics-access: off\n  request-log: debug\n").server();
        assertEquals(ServerSettings.MetricsAccess.OFF, off.metricsAccess());
        assertEquals(ServerSettings.RequestLog.DEBUG, off.requestLog());
    }

    @Test
    void connectionLimitsAreReadWithTheirDefaults() {
        ServerSettings.ConnectionLimits defaults = parse("server:\n  key: k\n").server().connectionLimits();
        assertEquals(new ServerSettings.ConnectionLimits(java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(60),
                1024, 4096), defaults);
        ServerSettings.ConnectionLimits set = parse("server:\n  request-header-timeout: 10s\n  request-body-timeout: 2m\n"
                + "  request-body-min-rate: 4KiB\n  max-connections: 100\n").server().connectionLimits();
        assertEquals(new ServerSettings.ConnectionLimits(java.time.Duration.ofSeconds(10), java.time.Duration.ofMinutes(2),
                4096, 100), set);
    }

    @Test
    void fileWithOnlyServerSectionGetsTheDefaultCacheAndNonStandaloneMode() {
        AppConfig config = parse("server:\n  key: k\n");
        assertFalse(config.server().standalone(), "a config file keeps the original's default standalone: false");
        assertEquals(List.of("main"), config.caches().stream().map(CacheSettings::name).toList());
    }

    @Test
    void fullExampleParses() throws URISyntaxException {
        Path file = Path.of(ConfigLoaderTest.class.getResource("/config/full.yaml").toURI());
        Path dir = file.getParent();
        AppConfig config = ConfigLoader.load(Optional.of(file), ENV);

        ServerSettings server = config.server();
        assertEquals(Path.of("/srv/cache-server"), server.dataDir());
        assertEquals(Path.of("/srv/cache-server/state/db.sqlite"), server.database());
        assertEquals(Path.of("/srv/cache-server/parts"), server.uploadDir());
        assertEquals("127.0.0.1", server.hostname());
        assertFalse(server.standalone());
        assertEquals(4300, server.dhtPort());
        assertEquals("seed.example.org", server.dhtBootstrapHost());
        assertEquals(4301, server.dhtBootstrapPort());
        assertEquals(List.of(new ServerSettings.HostPort("dht1.example.org", 4222),
                        new ServerSettings.HostPort("2001:db8::7", 4222),
                        new ServerSettings.HostPort("seed.example.org", 4301)),
                server.dhtBootstrap());
        assertEquals(424242, server.dhtNetwork());
        assertEquals(List.of("cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY="), server.dhtTrustedKeys());
        assertEquals(5100, server.serverPort());
        assertEquals(5101, server.deployPort());
        assertEquals(Optional.of("full-example-token-secret"), server.key());
        assertEquals(Optional.of(Duration.ofDays(14)), server.defaultRetention());
        assertEquals(8100, server.defaultPort());
        assertEquals(StorageType.LOCAL, server.defaultStorage());
        assertEquals(StorageStrategyName.IN_ORDER, server.defaultStorageStrategy());
        assertEquals(Duration.ofMinutes(90), server.gcInterval());

        CacheSettings main = config.caches().get(0);
        assertEquals("main", main.name());
        assertEquals(8081, main.port());
        assertEquals(CacheSettings.Access.PUBLIC, main.access());
        assertEquals(Optional.of(Duration.ofDays(30)), main.retention());
        assertEquals(StorageStrategyName.SPLIT, main.storageStrategy());
        assertTrue(main.enabled());
        assertEquals(Optional.of(URI.create("https://main.cache.example.org")), main.url());
        assertEquals(40, main.priority());
        assertEquals("xz", main.compression());
        assertEquals(Optional.of(dir.resolve("keys/main.secret")), main.signingKeyFile());

        StorageSettings fast = main.storages().get(0);
        assertEquals(new StorageSettings("fast", StorageType.LOCAL, dir.resolve("nars"), OptionalInt.of(70),
                Optional.empty(), OptionalLong.of(500L << 30), OptionalLong.of(10_000_000_000L)), fast);
        StorageSettings bucket = main.storages().get(1);
        assertEquals(StorageType.S3, bucket.type());
        assertEquals(Path.of("nix-cache"), bucket.root());
        assertEquals(OptionalInt.of(30), bucket.split());
        assertEquals(OptionalLong.of(2L << 40), bucket.maxSize());
        assertEquals(new StorageSettings.S3("nix-nars", Optional.of("eu-central-1"), Optional.of("AKIAFULLEXAMPLE"),
                Optional.of("full-example-s3-secret"), Optional.of(URI.create("https://minio.example.org:9000")),
                true, true), bucket.s3().orElseThrow());

        CacheSettings builds = config.caches().get(1);
        assertEquals(CacheSettings.Access.PRIVATE, builds.access());
        assertEquals(Optional.empty(), builds.retention(), "retention 0 means keep forever");
        assertEquals(StorageStrategyName.LEAST_USED, builds.storageStrategy());
        assertFalse(builds.enabled());
        assertEquals(Optional.empty(), builds.url());
        assertEquals(Path.of("/home/alice/nars-a"), builds.storages().get(0).root());
        assertEquals("Disk_A", builds.storages().get(0).name());
        assertEquals(OptionalLong.of(1024), builds.storages().get(1).maxSize());

        assertEquals(List.of(new WorkspaceSettings("prod", "private-builds")), config.workspaces());
        assertEquals(List.of(new AgentSettings("web-1", "prod")), config.agents());
    }

    @Test
    void xdgLookupPrefersConfigYamlOverConfigYml(@TempDir Path home) throws Exception {
        Path dir = Files.createDirectories(home.resolve(".config/cache-server"));
        Files.writeString(dir.resolve("config.yaml"), "server:\n  server-port: 6000\n");
        Files.writeString(dir.resolve("config.yml"), "server:\n  server-port: 7000\n");

        AppConfig config = ConfigLoader.load(Optional.empty(), Map.of("HOME", home.toString()));

        assertEquals(6000, config.server().serverPort());
        assertEquals(Optional.of(dir.resolve("config.yaml")), config.source());
    }

    @Test
    void xdgLookupFallsBackToConfigYml(@TempDir Path home) throws Exception {
        Path dir = Files.createDirectories(home.resolve("xdg/cache-server"));
        Files.writeString(dir.resolve("config.yml"), "server:\n  server-port: 7000\n");

        AppConfig config = ConfigLoader.load(Optional.empty(),
                Map.of("HOME", "/nonexistent", "XDG_CONFIG_HOME", home.resolve("xdg").toString()));

        assertEquals(7000, config.server().serverPort());
        assertEquals(Optional.of(dir.resolve("config.yml")), config.source());
    }

    @Test
    void xdgLookupWithoutAnyFileGivesTheEmbeddedDefault(@TempDir Path home) {
        AppConfig config = ConfigLoader.load(Optional.empty(), Map.of("HOME", home.toString()));

        assertEquals(ConfigLoader.embeddedDefault(Map.of("HOME", home.toString())), config);
        assertTrue(config.server().standalone());
    }

    @Test
    void relativeXdgConfigHomeIsIgnoredAsTheSpecSays(@TempDir Path home) throws Exception {
        Path dir = Files.createDirectories(home.resolve(".config/cache-server"));
        Files.writeString(dir.resolve("config.yaml"), "server:\n  server-port: 6000\n");

        AppConfig config = ConfigLoader.load(Optional.empty(), Map.of("HOME", home.toString(), "XDG_CONFIG_HOME", "rel"));

        assertEquals(6000, config.server().serverPort());
    }

    @Test
    void explicitFileThatDoesNotExistIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.of(missing), ENV));
        assertEquals(missing + ": cannot read the config file: it does not exist", e.getMessage());
    }

    @Test
    void explicitFileThatIsADirectoryIsNamed(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.of(dir), ENV));
        assertTrue(e.getMessage().startsWith(dir + ": cannot read the config file"), e.getMessage());
    }

    @Test
    void explicitFileWinsOverXdgAndResolvesRelativeRootsAgainstItsDirectory(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("elsewhere/my.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                caches:
                  - name: main
                    storages:
                      - {name: s, type: local, root: nars}
                """);

        AppConfig config = ConfigLoader.load(Optional.of(file), Map.of("HOME", dir.toString()));

        assertEquals(dir.resolve("elsewhere/nars"), config.caches().get(0).storages().get(0).root());
    }

    @Test
    void nullValuesMeanTheDefault() {
        AppConfig config = parse("server:\n  key:\n  server-port: ~\ncaches:\nworkspaces:\n");
        assertEquals(Optional.empty(), config.server().key());
        assertEquals(5000, config.server().serverPort());
        assertEquals("main", config.caches().get(0).name());
    }

    @Test
    void retentionAcceptsDaysDurationsAndForever() {
        AppConfig config = parse("""
                server:
                  default-retention: 12h
                caches:
                  - {name: a, port: 8001, retention: 7}
                  - {name: b, port: 8002, retention: 1h30m}
                  - {name: c, port: 8003, retention: forever}
                  - {name: d, port: 8004, retention: 0d}
                  - {name: e, port: 8005}
                """);
        List<Optional<Duration>> retention = config.caches().stream().map(CacheSettings::retention).toList();
        assertEquals(List.of(Optional.of(Duration.ofDays(7)), Optional.of(Duration.ofMinutes(90)), Optional.empty(),
                Optional.empty(), Optional.of(Duration.ofHours(12))), retention);
    }

    @Test
    void maxSizeTakesUnitsAndDefaultsToTheServerDefault() {
        AppConfig config = parse("""
                server:
                  default-max-size: 10GiB
                caches:
                  - {name: a, port: 8001, max-size: 200G}
                  - {name: b, port: 8002, max-size: 1048576}
                  - {name: c, port: 8003}
                """);
        assertEquals(List.of(java.util.OptionalLong.of(200L << 30), java.util.OptionalLong.of(1L << 20),
                java.util.OptionalLong.of(10L << 30)), config.caches().stream().map(CacheSettings::maxSize).toList());
        assertEquals(java.util.OptionalLong.empty(), parse("caches:\n  - {name: a, port: 8001}\n").caches().get(0).maxSize(),
                "no limit unless one is set");
    }

    @Test
    void yamlMergeKeysAndAnchorsWork() {
        AppConfig config = parse("""
                caches:
                  - name: a
                    port: 8001
                    storages: &disks
                      - {name: s, type: local, root: /nars}
                  - &b
                    name: b
                    port: 8002
                    access: private
                    storages: *disks
                  - <<: *b
                    name: c
                    port: 8003
                """);
        assertEquals(CacheSettings.Access.PRIVATE, config.caches().get(2).access());
        assertEquals(Path.of("/nars"), config.caches().get(2).storages().get(0).root());
    }

    @Test
    void s3StorageWithoutCredentialsUsesTheDefaultChainAndEmptyPrefix() {
        AppConfig config = parse("""
                caches:
                  - name: main
                    storages:
                      - {name: b, type: s3, s3_bucket: nars}
                """);
        StorageSettings storage = config.caches().get(0).storages().get(0);
        assertEquals(Path.of(""), storage.root());
        StorageSettings.S3 s3 = storage.s3().orElseThrow();
        assertEquals(Optional.empty(), s3.accessKey());
        assertEquals(Optional.empty(), s3.secretKey());
        assertFalse(s3.pathStyle());
        assertFalse(s3.redirect());
    }

    @Test
    void aDisabledCacheStillOwnsItsPort() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("""
                caches:
                  - {name: a, port: 8001, enabled: false}
                  - {name: b, port: 8001}
                """));
        assertTrue(e.getMessage().contains("caches[1].port"), e.getMessage());
    }
}
