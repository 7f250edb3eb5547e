package dev.cacheserver.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The small value formats: host:port, Nix public keys, URLs, paths, key suggestions. */
class ValueFormatsTest {
    @ParameterizedTest
    @CsvSource({
        "dht.example.org:4222, dht.example.org, 4222",
        "192.0.2.7:1, 192.0.2.7, 1",
        "'[::1]:4222', ::1, 4222",
        "'[2001:db8::7]:65535', 2001:db8::7, 65535"
    })
    void hostPorts(String text, String host, int port) {
        assertEquals(new ServerSettings.HostPort(host, port), HostPorts.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"::1:4222", "host", "host:", ":4222", "host:0", "host:70000", "[::1]", "a b:1", "http://h:1"})
    void badHostPorts(String text) {
        assertThrows(IllegalArgumentException.class, () -> HostPorts.parse(text));
    }

    @Test
    void nixPublicKeys() {
        String key = "cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=";
        assertEquals(key, NixPublicKeys.check(" " + key + " "));
        for (String bad : List.of("6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=", ":6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=",
                "a:b:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=", "k:AAAA", "k:!!!")) {
            assertThrows(IllegalArgumentException.class, () -> NixPublicKeys.check(bad), bad);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "https://cache.example.org/, https://cache.example.org",
        "HTTP://cache.example.org:8080/nix//, http://cache.example.org:8080/nix",
        "http://[::1]:8080, http://[::1]:8080"
    })
    void urlsAreNormalised(String text, String expected) {
        assertEquals(URI.create(expected), HttpUrls.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cache.example.org", "ftp://x.org", "https://x.org/?a=1", "https://x.org/#f", "https://u:p@x.org",
        "https:///path", "http://"})
    void badUrls(String text) {
        assertThrows(IllegalArgumentException.class, () -> HttpUrls.parse(text));
    }

    @Test
    void pathsExpandHomeAndResolveRelativeToTheConfigDirectory() {
        Map<String, String> env = Map.of("HOME", "/home/alice");
        Path base = Path.of("/etc/cache-server");
        assertEquals(Path.of("/home/alice"), ConfigPaths.resolve("~", base, env));
        assertEquals(Path.of("/home/alice/nars"), ConfigPaths.resolve("~/nars", base, env));
        assertEquals(Path.of("/etc/cache-server/nars"), ConfigPaths.resolve("./nars", base, env));
        assertEquals(Path.of("/etc/nars"), ConfigPaths.resolve("../nars", base, env));
        assertEquals(Path.of("/srv/nars"), ConfigPaths.resolve("/srv/nars", base, env));
        assertEquals(Path.of("/etc/cache-server/~bob"), ConfigPaths.resolve("~bob", base, env));
        assertThrows(IllegalArgumentException.class, () -> ConfigPaths.resolve("~/x", base, Map.of()));
    }

    @Test
    void xdgDefaults() {
        assertEquals(List.of(Path.of("/home/alice/.config/cache-server/config.yaml"),
                        Path.of("/home/alice/.config/cache-server/config.yml")),
                ConfigPaths.candidateFiles(Map.of("HOME", "/home/alice")));
        assertEquals(List.of(), ConfigPaths.candidateFiles(Map.of()));
        assertEquals(Optional.of(Path.of("/home/alice/.local/share/cache-server")),
                ConfigPaths.defaultDataDir(Map.of("HOME", "/home/alice", "XDG_DATA_HOME", "")));
    }

    @Test
    void keySuggestions() {
        List<String> keys = CacheSectionReader.KEYS;
        assertEquals(Optional.of("storage-strategy"), KeySuggestions.closest("stroage-strategy", keys));
        assertEquals(Optional.of("retention"), KeySuggestions.closest("retension", keys));
        assertEquals(Optional.of("port"), KeySuggestions.closest("Port", keys));
        assertEquals(Optional.empty(), KeySuggestions.closest("something-else", keys));
    }

    @Test
    void serverSettingsToStringHidesTheKey() {
        AppConfig config = ConfigLoader.parse("server:\n  key: very-secret-key\n", Optional.empty(), Map.of("HOME", "/h"));
        assertFalse(config.toString().contains("very-secret-key"), config.toString());
    }
}
