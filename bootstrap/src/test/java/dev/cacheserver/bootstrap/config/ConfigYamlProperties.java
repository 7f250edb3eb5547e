package dev.cacheserver.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cacheserver.domain.fuzz.Mutations;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The config file reader under byte-wise mutations of real configurations (the full example, the README's
 * cluster node, a minimal one): it either reads the file or refuses it with one {@link ConfigException} (a
 * message and exit code 2), never anything else; what it reads, it reads the same way twice.
 */
class ConfigYamlProperties {
    static final Map<String, String> ENV = Map.of("HOME", "/home/alice");
    static final Path FILE = Path.of("/etc/cache-server/config.yaml");
    static final String MINIMAL = "caches:\n  - name: main\n    port: 8080\n";
    static final String CLUSTER = """
            server:
              hostname: 0.0.0.0
              standalone: false
              dht-port: 4222
              dht-network: 1316512835
              dht-bootstrap: ["10.0.0.1:4222", "10.0.0.2:4222"]
              dht-trusted-keys:
                - main.cache2.example.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=
            caches:
              - name: main
                port: 8080
                url: http://10.0.0.1:8080
                storages:
                  - {name: disk, type: local, root: /srv/nars, max-size: 10GB}
                  - {name: s3, type: s3, s3_bucket: my-nars, s3_region: eu-west-1, split: 30}
            """;

    @Provide
    Arbitrary<String> configs() {
        return Mutations.untrusted(300, fullExample(), CLUSTER, MINIMAL);
    }

    @Property(tries = 1000)
    void aConfigIsReadOrRefusedWithAConfigErrorOnly(@ForAll("configs") String yaml) {
        AppConfig config;
        try {
            config = ConfigLoader.parse(yaml, Optional.of(FILE), ENV);
        } catch (ConfigException expected) {
            return;
        }
        assertEquals(config.caches(), ConfigLoader.parse(yaml, Optional.of(FILE), ENV).caches());
    }

    static String fullExample() {
        try (InputStream in = ConfigYamlProperties.class.getResourceAsStream("/config/full.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
