package dev.cacheserver.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code server.database} as a PostgreSQL URL: what is read from it, and the clear errors for what is wrong. */
class SharedDatabaseConfigTest {
    private static final Map<String, String> ENV = Map.of("HOME", "/home/alice");
    private static final Path FILE = Path.of("/etc/cache-server/config.yaml");

    @TempDir
    Path dir;

    /** With one cache on S3: a shared database refuses the default local storage (SharedStorageConfigTest). */
    private static ServerSettings server(String body) {
        return ConfigLoader.parse("server:\n" + body.indent(2) + S3_CACHE, Optional.of(FILE), ENV).server();
    }

    static final String S3_CACHE = "caches:\n  - name: main\n    storages:\n      - name: bucket\n        type: s3\n"
            + "        s3_bucket: nars\n";

    private static String error(String body) {
        return assertThrows(ConfigException.class, () -> server(body)).getMessage();
    }

    @Test
    void aPlainPathStaysTheEmbeddedSqliteFile() {
        ServerSettings s = server("database: /var/lib/cache-server/db.sqlite");
        assertEquals(Path.of("/var/lib/cache-server/db.sqlite"), s.database());
        assertEquals(Optional.empty(), s.sharedDatabase());
    }

    @Test
    void aUrlNamesTheSharedDatabaseWithDefaultPortAndPool() {
        SharedDatabase db = server("database: postgresql://cache@db.example.org/nixcache").sharedDatabase().orElseThrow();
        assertEquals(new SharedDatabase("db.example.org", 5432, "nixcache", "cache", Optional.empty(), 8), db);
    }

    @Test
    void thePasswordComesFromTheUrlOrTheFileAndIsNeverShown() throws Exception {
        SharedDatabase fromUrl = server("database: postgresql://cache:s%40cret@10.0.0.5:6543/nix\ndatabase-pool-size: 20")
                .sharedDatabase().orElseThrow();
        assertEquals(Optional.of("s@cret"), fromUrl.password());
        assertEquals(6543, fromUrl.port());
        assertEquals(20, fromUrl.poolSize());
        assertFalse(fromUrl.toString().contains("cret"), fromUrl.toString());

        Path file = Files.writeString(dir.resolve("pg-password"), "from-file\n");
        ServerSettings s = server("database: postgresql://cache@db/nix\ndatabase-password-file: " + file);
        assertEquals(Optional.of("from-file"), s.sharedDatabase().orElseThrow().password());
        assertFalse(s.toString().contains("from-file"), s.toString());
    }

    @Test
    void badUrlsAndKeysNameTheKey() {
        assertTrue(error("database: postgresql://db.example.org/nix").contains("server.database: must name the user"));
        assertTrue(error("database: postgresql://cache@db.example.org").contains("server.database: must name the database"));
        assertTrue(error("database: postgresql://cache@db/nix?sslmode=require").contains("takes no ?parameters"));
        assertTrue(error("database-pool-size: 4").contains("server.database-pool-size: applies only when"));
        assertTrue(error("database: postgresql://cache@db/nix\ndatabase-pool-size: 0")
                .contains("server.database-pool-size: must be an integer from 1 to 1000"));
        assertTrue(error("database: postgresql://cache@db/nix\ndatabase-password-file: " + dir.resolve("missing"))
                .contains("server.database-password-file: cannot be read"));
        String both = error("database: postgresql://cache:pw-in-url@db/nix\ndatabase-password-file: /x");
        assertTrue(both.contains("server.database-password-file: cannot be used together"), both);
    }

    @Test
    void aBadUrlWithAPasswordIsNotEchoed() {
        String message = error("database: postgresql://cache:topsecret-pg@db.example.org");
        assertTrue(message.contains("server.database: must name the database"), message);
        assertFalse(message.contains("topsecret-pg"), message);
    }
}
