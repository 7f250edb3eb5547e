package dev.cacheserver.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.ConfigException;
import dev.cacheserver.bootstrap.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shared database ({@code server.database} a PostgreSQL URL) means every replica serves every path: local
 * storages must be marked {@code shared: true}, S3 ones are fine; Cachix part files go to {@code server.upload-dir}.
 */
class SharedStorageConfigTest {
    private static final Path FILE = Path.of("/etc/cache-server/config.yaml");
    private static final String SHARED_DB = "server:\n  data-dir: /var/lib/cache-server\n"
            + "  database: postgresql://cache@db.example.org/nix\n";
    private static final String LOCAL = "caches:\n  - name: main\n    storages:\n      - name: disk\n        type: local\n"
            + "        root: /srv/nars\n";

    @TempDir
    Path dir;

    private static AppConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, Optional.of(FILE), Map.of("HOME", "/home/alice"));
    }

    private static String error(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void aLocalStorageNotMarkedSharedIsRefusedNamingTheKeyAndWhy() {
        String message = error(SHARED_DB + LOCAL);
        assertTrue(message.contains("caches[0].storages[0].shared"), message);
        assertTrue(message.contains("shared PostgreSQL database"), message);
        assertTrue(message.contains("shared: true"), message);
    }

    @Test
    void aCacheWithoutStoragesIsRefusedSinceItsDefaultStorageIsLocal() {
        String message = error(SHARED_DB + "caches:\n  - name: main\n");
        assertTrue(message.contains("caches[0].storages"), message);
        assertTrue(message.contains("/var/lib/cache-server/storage"), message);
        assertTrue(error(SHARED_DB).contains("caches"), "no caches: the default cache on local disk");
    }

    @Test
    void sharedLocalStoragesAndS3StoragesAreAccepted() {
        AppConfig config = parse(SHARED_DB + LOCAL + "        shared: true\n      - name: bucket\n        type: s3\n"
                + "        s3_bucket: nars\n");
        assertTrue(config.caches().get(0).storages().get(0).shared());
        assertTrue(config.caches().get(0).storages().get(1).shared());
    }

    @Test
    void sharedIsOnlyForLocalStorages() {
        String message = error(SHARED_DB + "caches:\n  - name: main\n    storages:\n      - name: bucket\n        type: s3\n"
                + "        s3_bucket: nars\n        shared: true\n");
        assertTrue(message.contains("caches[0].storages[0].shared: only applies to local storages"), message);
    }

    @Test
    void aloneOnItsSqliteDatabaseALocalStorageNeedsNoMark() {
        AppConfig config = parse("server:\n  data-dir: /var/lib/cache-server\n" + LOCAL);
        assertEquals(false, config.caches().get(0).storages().get(0).shared());
        assertEquals(Path.of("/var/lib/cache-server/uploads"), config.server().uploadDir());
    }

    @Test
    void theUploadDirectoryCanBeMoved() {
        AppConfig config = parse("server:\n  data-dir: /var/lib/cache-server\n  upload-dir: /mnt/shared/uploads\n");
        assertEquals(Path.of("/mnt/shared/uploads"), config.server().uploadDir());
    }

    @Test
    void serveExitsWith2AndTheMessage() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yaml"), SHARED_DB.replace("/var/lib/cache-server",
                dir.toString()) + LOCAL);

        MainAccess.Result result = MainAccess.run("--config", config.toString(), "serve");

        assertEquals(2, result.exit(), result.err());
        assertTrue(result.err().contains("caches[0].storages[0].shared: must be true for local storage disk"),
                result.err());
    }
}
