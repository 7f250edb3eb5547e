package dev.cacheserver.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A PostgreSQL database that cannot be reached stops the start with exit code 2 and one clear line. */
@Timeout(120)
class SharedDatabaseStartupTest {
    @TempDir
    Path dir;

    @Test
    void anUnreachableDatabaseStopsTheStartNamingTheKeyAndNeverThePassword() throws Exception {
        int nobodyListens;
        int cachePort;
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            nobodyListens = a.getLocalPort();
            cachePort = b.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("config.yaml"), "server:\n  key: k\n  standalone: true\n"
                + "  hostname: 127.0.0.1\n  data-dir: " + dir + "\n"
                + "  database: postgresql://cache:pw-not-shown@127.0.0.1:" + nobodyListens + "/nix\n"
                + "caches:\n  - name: main\n    port: " + cachePort + "\n"
                + "    storages:\n      - name: disk\n        type: local\n        root: " + dir.resolve("nars") + "\n"
                + "        shared: true\n");

        MainAccess.Result result = MainAccess.run("--config", config.toString(), "serve");

        assertEquals(2, result.exit(), result.err());
        assertTrue(result.err().contains("server.database: cannot use the PostgreSQL database postgresql://cache@127.0.0.1:"
                + nobodyListens + "/nix"), result.err());
        assertFalse(result.err().contains("pw-not-shown"), result.err());
        assertFalse(result.err().contains("\tat "), "no stack trace: " + result.err());
    }
}
