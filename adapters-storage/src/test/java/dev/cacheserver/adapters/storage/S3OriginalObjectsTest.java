package dev.cacheserver.adapters.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.adapters.storage.s3test.S3TestServer;
import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.port.OriginalS3Objects.S3Nar;
import dev.cacheserver.domain.port.OriginalServerArchive.FileDigest;
import dev.cacheserver.domain.port.OriginalServerArchive.OriginalS3Storage;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** Reading the original's S3 storage from s3proxy: which object a file hash names, and its bytes streamed to disk. */
class S3OriginalObjectsTest {
    static final String BUCKET = "original";
    @TempDir
    Path dir;
    S3TestServer s3;
    Vertx vertx;
    S3OriginalObjects objects;
    OriginalS3Storage storage;

    @BeforeEach
    void setUp() throws Exception {
        s3 = S3TestServer.start(dir.resolve("s3"));
        s3.createBucket(BUCKET);
        vertx = Vertx.vertx();
        objects = new S3OriginalObjects(vertx, Optional.of(s3.endpoint()));
        storage = new OriginalS3Storage("s3", BUCKET, "cache/main/s3/", Optional.of("eu-west-1"),
                S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY);
    }

    @AfterEach
    void tearDown() throws Exception {
        objects.close();
        vertx.close().await(30, TimeUnit.SECONDS);
        s3.close();
    }

    @Test
    void findsTheObjectOfAFileHashWithItsCompressionAndStreamsItToAFile() throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(3).nextBytes(content);
        try (S3AsyncClient client = s3.client()) {
            client.putObject(b -> b.bucket(BUCKET).key("cache/main/s3/abc123.nar.zst"),
                    AsyncRequestBody.fromBytes(content)).get(1, TimeUnit.MINUTES);
        }

        S3Nar nar = objects.locate(storage, "abc123").toCompletableFuture().get(1, TimeUnit.MINUTES).orElseThrow();
        assertEquals("cache/main/s3/abc123.nar.zst", nar.key());
        assertEquals(Compression.ZSTD, nar.compression());
        assertEquals(content.length, nar.size());

        Path target = dir.resolve("copy");
        FileDigest digest = objects.copy(nar, target).toCompletableFuture().get(1, TimeUnit.MINUTES);
        assertEquals(new NixHash(MessageDigest.getInstance("SHA-256").digest(content)), digest.sha256());
        assertEquals(content.length, digest.size());
        assertArrayEquals(content, Files.readAllBytes(target));

        assertTrue(objects.locate(storage, "other").toCompletableFuture().get(1, TimeUnit.MINUTES).isEmpty());
    }

    @Test
    void wrongCredentialsAreAStorageFailureNotAMissingObject() {
        OriginalS3Storage wrong = new OriginalS3Storage("s3", BUCKET, "cache/main/s3/", Optional.empty(),
                S3TestServer.ACCESS_KEY, "not-the-secret");
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> objects.locate(wrong, "abc123").toCompletableFuture().get(1, TimeUnit.MINUTES));
        assertInstanceOf(StorageException.class, e.getCause().getCause() != null
                && !(e.getCause() instanceof StorageException) ? e.getCause().getCause() : e.getCause());
        assertTrue(!e.toString().contains("not-the-secret"), "the secret is never in a message: " + e);
    }
}
