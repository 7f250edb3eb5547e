package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.adapters.storage.s3test.S3TestServer;
import dev.cacheserver.domain.model.NarFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage that fails while NARs are uploaded: the upload goes to another storage when the strategy has one,
 * or fails cleanly with 503 and Retry-After, with nothing published and no spool file left; the retry works.
 */
@Timeout(300)
class StorageFailureTest {
    @TempDir
    Path dir;
    final StorageTestSupport support = new StorageTestSupport();

    long regularFilesUnder(Path root) throws Exception {
        if (!Files.exists(root)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void anS3OutageFailsTheUploadCleanlyAndTheRetrySucceeds() throws Exception {
        try (S3TestServer s3 = S3TestServer.start(dir.resolve("s3"))) {
            s3.createBucket(StorageTestSupport.BUCKET);
            try (TestServer server = TestServer.start(dir, "caches:\n  - name: only\n    port: PORT1\n"
                    + "    storages:\n" + StorageTestSupport.s3Storage("bucket", s3, ""), TestServer.freePort())) {
                String base = server.url("only");
                byte[] file = TestNars.zstd(TestNars.regularFile(support.randomBytes(30_000)));
                String narUrl = base + "/nar/" + TestNars.sha256(file).nix32() + ".nar.zst";

                s3.stop();
                var refused = support.send("PUT", narUrl, file, Tokens.write("only"));
                s3.restart();

                assertEquals(503, refused.statusCode(), refused.body());
                assertTrue(refused.headers().firstValue("retry-after").isPresent(), "503 says when to retry");
                assertEquals(404, support.send("GET", narUrl, null, null).statusCode(), "nothing was published");
                assertEquals(0, regularFilesUnder(s3.bucketDirectory(StorageTestSupport.BUCKET)), "no object");
                assertEquals(0, regularFilesUnder(dir.resolve("data/spool")), "no spool file left");

                assertEquals(200, support.send("PUT", narUrl, file, Tokens.write("only")).statusCode());
                assertEquals(200, support.send("GET", narUrl, null, null).statusCode());
                assertEquals(1, regularFilesUnder(s3.bucketDirectory(StorageTestSupport.BUCKET)));
            }
        }
    }

    @Test
    void whenS3FailsTheNarsGoToTheLocalStorage() throws Exception {
        Path disk = dir.resolve("disk");
        try (S3TestServer s3 = S3TestServer.start(dir.resolve("s3"))) {
            s3.createBucket(StorageTestSupport.BUCKET);
            try (TestServer server = TestServer.start(dir, "caches:\n  - name: mixed\n    port: PORT1\n"
                    + "    storage-strategy: round-robin\n    storages:\n"
                    + StorageTestSupport.s3Storage("bucket", s3, "")
                    + "      - name: disk\n        type: local\n        root: " + disk + "\n", TestServer.freePort())) {
                String base = server.url("mixed");
                s3.stop();
                NarFile[] pushed = new NarFile[4];
                try {
                    for (int i = 0; i < pushed.length; i++) {
                        pushed[i] = support.push(base, "mixed", 3000 + i);
                    }
                } finally {
                    s3.restart();
                }

                assertEquals(Map.of("bucket", 0L, "disk", 4L), StorageTestSupport.filesPerStorage(server, "mixed"));
                assertEquals(4, regularFilesUnder(disk.resolve("mixed/disk")));
                for (NarFile f : pushed) {
                    assertEquals(200, support.send("GET", base + "/" + f.url(), null, null).statusCode());
                }
                assertEquals(0, regularFilesUnder(dir.resolve("data/spool")), "no spool file left");
            }
        }
    }
}
