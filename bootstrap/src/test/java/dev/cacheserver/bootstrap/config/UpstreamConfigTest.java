package dev.cacheserver.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code upstreams:} as a server default and per cache, its timing keys, and what is refused (exit 2, key named). */
class UpstreamConfigTest {
    private static final Map<String, String> ENV = Map.of("HOME", "/home/alice");
    private static final String KEY = "cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=";

    private static AppConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, Optional.empty(), ENV);
    }

    private static String problem(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void serverUpstreamsAreEveryCachesDefaultAndACacheMayReplaceOrDropThem() {
        AppConfig config = parse("""
                server:
                  upstream-timeout: 3s
                  upstream-negative-ttl: 1h
                  upstream-backoff: 1m
                  upstreams:
                    - url: https://cache.nixos.org/
                      public-keys: [%s]
                caches:
                  - name: main
                    port: 8080
                  - name: own
                    port: 8081
                    upstreams:
                      - {url: "http://10.0.0.2:8080", public-keys: [%s], priority: 10}
                  - name: isolated
                    port: 8082
                    upstreams: []
                """.formatted(KEY, KEY));

        UpstreamConfig upstreams = config.upstreams();
        assertEquals(List.of(new UpstreamConfig.Entry(URI.create("https://cache.nixos.org"), List.of(KEY), 50)),
                upstreams.forCache("main"));
        assertEquals(List.of(new UpstreamConfig.Entry(URI.create("http://10.0.0.2:8080"), List.of(KEY), 10)),
                upstreams.forCache("own"));
        assertEquals(List.of(), upstreams.forCache("isolated"));
        assertEquals(Duration.ofSeconds(3), upstreams.timeout());
        assertEquals(Duration.ofHours(1), upstreams.negativeTtl());
        assertEquals(Duration.ofMinutes(1), upstreams.backoff());
    }

    @Test
    void withoutUpstreamsNoCachePullsThrough() {
        AppConfig config = parse("caches:\n  - name: main\n");
        assertEquals(List.of(), config.upstreams().forCache("main"));
        assertEquals(UpstreamConfig.DEFAULT_TIMEOUT, config.upstreams().timeout());
    }

    @Test
    void anUpstreamWithoutKeysIsRefused() {
        assertTrue(problem("server:\n  upstreams:\n    - url: https://cache.nixos.org\n")
                .contains("server.upstreams[0].public-keys: required key is missing"));
        assertTrue(problem("server:\n  upstreams:\n    - {url: https://cache.nixos.org, public-keys: []}\n")
                .contains("server.upstreams[0].public-keys: must list at least one key"));
    }

    @Test
    void badUrlsKeysPrioritiesAndTimesNameTheirKey() {
        String entry = "caches:\n  - name: main\n    upstreams:\n      - ";
        assertTrue(problem(entry + "{url: ftp://x, public-keys: [" + KEY + "]}\n")
                .contains("caches[0].upstreams[0].url: must be an absolute http:// or https:// URL"));
        assertTrue(problem(entry + "{url: http://x, public-keys: [nokey]}\n")
                .contains("caches[0].upstreams[0].public-keys[0]: must be a Nix public key"));
        assertTrue(problem(entry + "{url: http://x, public-keys: [" + KEY + "], priority: -1}\n")
                .contains("caches[0].upstreams[0].priority"));
        assertTrue(problem(entry + "{url: http://x, public-keys: [" + KEY + "], keys: []}\n")
                .contains("caches[0].upstreams[0].keys: unknown key"));
        assertTrue(problem("server:\n  upstream-timeout: 5\n").contains("server.upstream-timeout: needs a unit"));
    }
}
