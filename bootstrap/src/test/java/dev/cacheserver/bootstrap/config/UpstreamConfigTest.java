package dev.cacheserver.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code upstreams:} as a server default and per cache, its timing keys, and what is refused (exit 2, key named). */
class UpstreamConfigTest {
    private static final Map<String, String> ENV = Map.of("HOME", "/home/alice");
    private static final String KEY = "cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=";

    /** A self-signed certificate (openssl, P-256, CN=test), only parsed here. */
    private static final String TEST_CERTIFICATE = """
            -----BEGIN CERTIFICATE-----
            MIIBdTCCARugAwIBAgIUfE3Pa9pAF7cCQHYzHUHIlXF4uV0wCgYIKoZIzj0EAwIw
            DzENMAsGA1UEAwwEdGVzdDAgFw0yNjEyMDMxMzQ4NDhaGA8yMTI2MTEwOTEzNDg0
            OFowDzENMAsGA1UEAwwEdGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABDPY
            7bk3yJTPJAjwlt50V4j20PM7DkOpp+WFYBDtL4DOBCkOLH3qayLDIqaSSq6m6LA1
            tUCy2Y3nTP2y8l4iuMujUzBRMB0GA1UdDgQWBBSrlljq9zJJwrqoVrSDsSY2QOqJ
            QTAfBgNVHSMEGDAWgBSrlljq9zJJwrqoVrSDsSY2QOqJQTAPBgNVHRMBAf8EBTAD
            AQH/MAoGCCqGSM49BAMCA0gAMEUCIQCOx6NxX067TmDjGSMSVCt67Bm4GjDjrW2L
            3TzowiSzOAIgP3/3741HO9zNAASdxHqrYN+p7ZGqF9dB2h8x05tlMGQ=
            -----END CERTIFICATE-----
            """;

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
    void anHttpsUpstreamMayTrustItsOwnCertificates(@TempDir Path dir) throws Exception {
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, TEST_CERTIFICATE);
        String entry = "caches:\n  - name: main\n    upstreams:\n      - ";

        AppConfig config = parse(entry + "{url: \"https://10.0.0.2\", public-keys: [" + KEY + "], ca-file: " + ca + "}\n");

        assertEquals(Optional.of(ca), config.upstreams().forCache("main").get(0).caFile());
        assertEquals(Optional.empty(), parse(entry + "{url: \"https://10.0.0.2\", public-keys: [" + KEY + "]}\n")
                .upstreams().forCache("main").get(0).caFile(), "default: the JVM's trust store");
        Path notPem = dir.resolve("key.txt");
        Files.writeString(notPem, "not a certificate\n");
        assertTrue(problem(entry + "{url: \"https://x\", public-keys: [" + KEY + "], ca-file: " + dir.resolve("none.pem")
                + "}\n").contains("caches[0].upstreams[0].ca-file: is not a readable file"));
        assertTrue(problem(entry + "{url: \"https://x\", public-keys: [" + KEY + "], ca-file: " + notPem + "}\n")
                .contains("caches[0].upstreams[0].ca-file: must be PEM certificates"));
        Path other = dir.resolve("other.pem");
        Files.writeString(other, TEST_CERTIFICATE);
        String clash = problem(entry + "{url: \"https://x\", public-keys: [" + KEY + "], ca-file: " + ca + "}\n"
                + "  - name: second\n    port: 8081\n    upstreams:\n      - {url: \"https://x/sub\", public-keys: [" + KEY + "], ca-file: "
                + other + "}\n");
        assertTrue(clash.contains("caches[1].upstreams[0].ca-file: another upstream on https://x trusts"), clash);
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
