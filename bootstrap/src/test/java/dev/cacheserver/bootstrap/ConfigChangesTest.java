package dev.cacheserver.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a reload reports: each changed key once, live or restart-only, and never a secret's value. */
class ConfigChangesTest {
    @TempDir
    Path dir;

    AppConfig load(String caches, String server) throws Exception {
        Path file = Files.createTempFile(dir, "config", ".yaml");
        Files.writeString(file, "server:\n  standalone: true\n  data-dir: " + dir.resolve("data") + "\n" + server
                + "caches:\n" + caches);
        return ConfigLoader.load(Optional.of(file), Map.of("HOME", dir.toString()));
    }

    @Test
    void liveAndRestartOnlyKeysAreToldApart() throws Exception {
        AppConfig before = load("  - name: main\n    port: 8080\n", "  key: first-secret\n");
        AppConfig after = load("  - name: main\n    port: 8081\n    access: private\n    retention: 7d\n    max-size: 5G\n"
                + "  - name: extra\n    port: 8082\n", "  key: second-secret\n  gc-interval: 5m\n");

        List<ConfigChanges.Change> changes = ConfigChanges.between(before, after);

        assertEquals(List.of("caches[main].access", "caches[main].max-size", "caches[main].retention", "server.key"),
                changes.stream().filter(ConfigChanges.Change::live).map(ConfigChanges.Change::key).sorted().toList());
        assertEquals(List.of("caches[extra]", "caches[main].port", "server.gc-interval"),
                changes.stream().filter(c -> !c.live()).map(ConfigChanges.Change::key).sorted().toList());
        assertTrue(changes.stream().anyMatch(c -> c.toString().equals("caches[main].port: 8080 -> 8081")), changes.toString());
        assertFalse(changes.toString().contains("secret"), "token keys are named, never printed: " + changes);
    }

    @Test
    void aKeyRotationStepIsReportedAsNeedingARestart() throws Exception {
        AppConfig before = load("  - name: main\n    port: 8080\n    signing-key-files: [old.secret, new.secret]\n", "");
        AppConfig after = load("  - name: main\n    port: 8080\n    signing-key-files: [new.secret, old.secret]\n", "");

        List<ConfigChanges.Change> changes = ConfigChanges.between(before, after);

        assertEquals(List.of("caches[main].signing-key-files"), changes.stream().map(ConfigChanges.Change::key).toList());
        assertFalse(changes.get(0).live(), "keys are read at start only");
    }

    @Test
    void theSameFileChangesNothing() throws Exception {
        String caches = "  - name: main\n    port: 8080\n";
        assertEquals(List.of(), ConfigChanges.between(load(caches, ""), load(caches, "")));
    }

    @Test
    void upstreamListsAndTheirTimingAreLiveTheClientTimeoutIsNot() throws Exception {
        String key = "up.example.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=";
        AppConfig before = load("  - name: main\n    port: 8080\n", "");
        AppConfig after = load("  - name: main\n    port: 8080\n    upstreams: [{url: \"https://up.example.org\", "
                + "public-keys: [\"" + key + "\"]}]\n", "  upstream-backoff: 1m\n  upstream-timeout: 9s\n"
                + "  upstreams: [{url: \"https://cache.nixos.org\", public-keys: [\"" + key + "\"]}]\n");

        List<ConfigChanges.Change> changes = ConfigChanges.between(before, after);

        assertEquals(List.of("caches[main].upstreams", "server.upstream-backoff", "server.upstreams"),
                changes.stream().filter(ConfigChanges.Change::live).map(ConfigChanges.Change::key).sorted().toList());
        assertEquals(List.of("server.upstream-timeout"),
                changes.stream().filter(c -> !c.live()).map(ConfigChanges.Change::key).toList());
        assertTrue(changes.stream().anyMatch(c -> c.toString().equals(
                "caches[main].upstreams: (server.upstreams) -> [https://up.example.org]")), changes.toString());
    }
}
