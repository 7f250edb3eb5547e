package dev.cacheserver.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code CACHE_SERVER_...} variables over the file, as a container sets them: read through the same loader as the
 * file (vertx-config), validated like a value from the file, and an error names the variable.
 */
class EnvironmentOverridesTest {
    private static final String PEER_KEY = "peer.example.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=";
    @TempDir
    Path dir;

    private AppConfig load(String yaml, Map<String, String> variables) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml);
        Map<String, String> env = new HashMap<>(variables);
        env.put("HOME", dir.toString());
        return ConfigLoader.load(Optional.of(file), env);
    }

    private ConfigException refused(String yaml, Map<String, String> variables) {
        return assertThrows(ConfigException.class, () -> load(yaml, variables));
    }

    private static final String TWO_CACHES = """
            server:
              server-port: 5000
              standalone: true
            caches:
              - name: main
                port: 8080
              - name: team-builds
                port: 8081
                access: public
            """;

    @Test
    void aServerKeyFromTheEnvironmentWinsOverTheFile() throws Exception {
        AppConfig config = load(TWO_CACHES, Map.of("CACHE_SERVER_SERVER__SERVER_PORT", "6000",
                "CACHE_SERVER_SERVER__GC_INTERVAL", "5m"));

        assertEquals(6000, config.server().serverPort());
        assertEquals(Duration.ofMinutes(5), config.server().gcInterval());
        assertTrue(config.server().standalone(), "keys the environment does not set keep the file's value");
    }

    @Test
    void aCacheIsAddressedByItsNameInCapitalsWithUnderscores() throws Exception {
        AppConfig config = load(TWO_CACHES, Map.of("CACHE_SERVER_CACHES__TEAM_BUILDS__ACCESS", "private",
                "CACHE_SERVER_CACHES__TEAM_BUILDS__RETENTION", "7d"));

        CacheSettings team = config.caches().get(1);
        assertEquals(CacheSettings.Access.PRIVATE, team.access());
        assertEquals(Optional.of(Duration.ofDays(7)), team.retention());
        assertEquals(CacheSettings.Access.PUBLIC, config.caches().get(0).access(), "the other cache is untouched");
    }

    @Test
    void listsAreWrittenAsYamlFlowValues() throws Exception {
        AppConfig config = load(TWO_CACHES, Map.of("CACHE_SERVER_SERVER__DHT_TRUSTED_KEYS", "[\"" + PEER_KEY + "\"]",
                "CACHE_SERVER_CACHES__MAIN__UPSTREAMS", "[{url: \"https://cache.nixos.org\", public-keys: [\""
                        + PEER_KEY + "\"]}]"));

        assertEquals(List.of(PEER_KEY), config.server().dhtTrustedKeys());
        assertEquals(URI.create("https://cache.nixos.org"), config.upstreams().forCache("main").get(0).url());
        assertEquals(List.of(), config.upstreams().forCache("team-builds"));
    }

    @Test
    void withoutAFileTheEnvironmentConfiguresTheEmbeddedDefault() {
        AppConfig config = ConfigLoader.load(Optional.empty(), Map.of("HOME", dir.toString(),
                "CACHE_SERVER_CACHES__MAIN__ACCESS", "private", "CACHE_SERVER_SERVER__DATA_DIR", "/srv/cache"));

        assertEquals(CacheSettings.Access.PRIVATE, config.caches().get(0).access());
        assertEquals("main", config.caches().get(0).name());
        assertEquals(Path.of("/srv/cache"), config.server().dataDir());
        assertTrue(config.server().standalone(), "still the embedded default: standalone");
        assertEquals(Optional.empty(), config.source());
    }

    @Test
    void otherCacheServerVariablesAreNotConfigurationKeys() throws Exception {
        AppConfig config = load(TWO_CACHES, Map.of("CACHE_SERVER_LOG_LEVEL", "DEBUG",
                "CACHE_SERVER_JVM_OPTS", "-Xmx1g", "CACHE_SERVER_CDS_DIR", "off"));

        assertEquals(load(TWO_CACHES, Map.of()), config);
    }

    @Test
    void aBadValueIsReportedWithTheVariableAndTheKeyPath() {
        ConfigException e = refused(TWO_CACHES, Map.of("CACHE_SERVER_SERVER__SERVER_PORT", "not-a-port"));

        assertEquals("environment variable CACHE_SERVER_SERVER__SERVER_PORT: server.server-port: must be an integer "
                + "from 1 to 65535 (got \"not-a-port\")", e.getMessage());
    }

    @Test
    void aBadCacheValueNamesTheVariableToo() {
        ConfigException e = refused(TWO_CACHES, Map.of("CACHE_SERVER_CACHES__MAIN__ACCESS", "secret"));

        assertEquals("environment variable CACHE_SERVER_CACHES__MAIN__ACCESS: caches[0].access: is not a known value "
                + "(got \"secret\"; allowed: public, private)", e.getMessage());
    }

    @Test
    void aMisspeltKeyIsAnErrorWithASuggestion() {
        ConfigException e = refused(TWO_CACHES, Map.of("CACHE_SERVER_SERVER__SERVER_PROT", "6000"));

        assertTrue(e.getMessage().startsWith("environment variable CACHE_SERVER_SERVER__SERVER_PROT: "
                + "server.server-prot: unknown key; did you mean SERVER_PORT?"), e.getMessage());
    }

    @Test
    void anUnknownCacheOrSectionIsAnError() {
        ConfigException cache = refused(TWO_CACHES, Map.of("CACHE_SERVER_CACHES__MIAN__ACCESS", "private"));
        assertTrue(cache.getMessage().startsWith("environment variable CACHE_SERVER_CACHES__MIAN__ACCESS: "
                + "caches[mian].access: names no cache"), cache.getMessage());
        assertTrue(cache.getMessage().contains("main, team-builds"), cache.getMessage());

        ConfigException section = refused(TWO_CACHES, Map.of("CACHE_SERVER_AGENTS__X__WORKSPACE", "w"));
        assertTrue(section.getMessage().startsWith("environment variable CACHE_SERVER_AGENTS__X__WORKSPACE: is not a "
                + "configuration key"), section.getMessage());
    }

    @Test
    void aSecretFromTheEnvironmentIsNeverEchoed() {
        ConfigException e = refused(TWO_CACHES, Map.of("CACHE_SERVER_SERVER__KEY", "[top-secret]"));

        assertTrue(e.getMessage().contains("server.key"), e.getMessage());
        assertFalse(e.getMessage().contains("top-secret"), e.getMessage());
    }

    @Test
    void theFilesOwnErrorsKeepTheirLineAndPath() {
        ConfigException e = refused("server:\n  server-port: 5000\n  server-port: 5001\n",
                Map.of("CACHE_SERVER_SERVER__GC_INTERVAL", "5m"));

        assertEquals(dir.resolve("config.yaml") + ": server.server-port: duplicate key (first on line 2, again on "
                + "line 3); keep only one", e.getMessage());
    }

    @Test
    void brokenYamlIsReportedWithItsLineBeforeAnythingElse() {
        ConfigException e = refused("server: [1, 2\n", Map.of("CACHE_SERVER_SERVER__GC_INTERVAL", "5m"));

        assertTrue(e.getMessage().startsWith(dir.resolve("config.yaml") + ": invalid YAML: line 2"), e.getMessage());
    }
}
