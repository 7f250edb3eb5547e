package dev.cacheserver.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The builders copy every key: a reload's copy of the running settings differs only in the keys it sets. */
class SettingsBuildersTest {
    private static final AppConfig CONFIG = ConfigLoader.parse("""
            server:
              key: first
              dht-trusted-keys: ["peer.example.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY="]
              default-max-size: 5G
              gc-interval: 5m
              request-log: info
            caches:
              - name: main
                port: 8081
                access: private
                retention: 7d
                priority: 10
                url: https://cache.example.org
            """, Optional.of(Path.of("/etc/cache-server/config.yaml")), Map.of("HOME", "/home/alice"));

    @Test
    void aCopyOfTheServerSettingsIsEqualAndChangesOnlyWhatIsSet() {
        ServerSettings server = CONFIG.server();

        assertEquals(server, server.toBuilder().build());
        ServerSettings rekeyed = server.toBuilder().key(Optional.of("second")).build();
        assertNotEquals(server, rekeyed);
        assertEquals(server, rekeyed.toBuilder().key(server.key()).build());
    }

    @Test
    void aCopyOfACacheIsEqualAndChangesOnlyWhatIsSet() {
        CacheSettings cache = CONFIG.caches().get(0);

        assertEquals(cache, cache.toBuilder().build());
        CacheSettings opened = cache.toBuilder().access(CacheSettings.Access.PUBLIC).build();
        assertEquals(CacheSettings.Access.PUBLIC, opened.access());
        assertEquals(cache, opened.toBuilder().access(CacheSettings.Access.PRIVATE).build());
    }
}
