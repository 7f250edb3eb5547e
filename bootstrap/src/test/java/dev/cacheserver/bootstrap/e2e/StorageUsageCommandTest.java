package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.bootstrap.StorageUsageCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The storage-usage command shows what each storage holds, from the records the server wrote. */
@Timeout(120)
class StorageUsageCommandTest {
    @TempDir
    Path dir;

    @Test
    void printsFilesAndBytesPerStorage() throws Exception {
        StorageTestSupport support = new StorageTestSupport();
        Path disk = dir.resolve("disk");
        long stored;
        try (TestServer server = TestServer.start(dir, "caches:\n  - name: main\n    port: PORT1\n"
                + "    storage-strategy: round-robin\n    storages:\n"
                + "      - name: left\n        type: local\n        root: " + disk + "\n"
                + "      - name: right\n        type: local\n        root: " + disk + "\n        max-size: 1GiB\n",
                TestServer.freePort())) {
            for (int i = 0; i < 3; i++) {
                support.push(server.url("main"), "main", 1000);
            }
            stored = StorageTestSupport.group(server, "main").usageByStorage().get(0).bytes();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int exit = StorageUsageCommand.run(List.of("--cache", "main"), Optional.of(dir.resolve("config.yaml")),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit);
        assertTrue(text.contains("cache main (storage-strategy round-robin)"), text);
        assertTrue(text.contains("left (local): 2 NAR files, " + stored + " bytes"), text);
        assertTrue(text.contains("right (local): 1 NAR files,") && text.contains("of max-size 1073741824"), text);
    }
}
