package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.adapters.storage.s3test.S3TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code nix} against caches whose NARs live in S3 (s3proxy on loopback): {@code nix copy --to}, then
 * {@code --from} and substitution, byte-identical (scripts/nix-client-check.sh). One cache mixes a local
 * and an S3 storage (round-robin, so both hold NARs), one redirects downloads to presigned S3 URLs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StorageS3NixRoundTripTest {
    @TempDir
    static Path dir;
    S3TestServer s3;
    TestServer server;

    @BeforeAll
    void start() throws Exception {
        s3 = S3TestServer.start(dir.resolve("s3"));
        s3.createBucket(StorageTestSupport.BUCKET);
        server = TestServer.start(dir, "caches:\n"
                + "  - name: mixed\n    port: PORT1\n    storage-strategy: round-robin\n    storages:\n"
                + "      - name: disk\n        type: local\n        root: " + dir.resolve("disk") + "\n"
                + StorageTestSupport.s3Storage("bucket", s3, "")
                + "  - name: presigned\n    port: PORT2\n    storages:\n"
                + StorageTestSupport.s3Storage("bucket", s3, "        s3_redirect: true\n"),
                TestServer.freePort(), TestServer.freePort());
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        s3.close();
    }

    long objectsUnder(Path path) throws Exception {
        if (!Files.exists(path)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void mixedLocalAndS3RoundTrip() throws Exception {
        check("mixed", "--compression", "zstd", "--sizes", "1024 65536 10485760");

        assertTrue(objectsUnder(s3.bucketDirectory(StorageTestSupport.BUCKET).resolve("cache-server/mixed/bucket")) > 0,
                "some NARs are in S3");
        assertTrue(objectsUnder(dir.resolve("disk/mixed/disk")) > 0, "some NARs are on the local disk");
    }

    @Test
    void s3WithPresignedRedirectsRoundTrip() throws Exception {
        check("presigned", "--compression", "xz", "--sizes", "1024 65536");

        assertTrue(objectsUnder(s3.bucketDirectory(StorageTestSupport.BUCKET).resolve("cache-server/presigned/bucket")) > 0);
    }

    private void check(String cache, String... options) throws Exception {
        String[] all = new String[options.length + 2];
        all[0] = "--token";
        all[1] = Tokens.write(cache);
        System.arraycopy(options, 0, all, 2, options.length);
        NixClientCheck.run(dir.resolve("work-" + cache + "-" + System.nanoTime()), server.url(cache),
                server.publicKey(cache), all);
    }
}
