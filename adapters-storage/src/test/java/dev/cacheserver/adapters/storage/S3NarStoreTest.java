package dev.cacheserver.adapters.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import dev.cacheserver.adapters.storage.s3test.S3TestServer;
import dev.cacheserver.domain.error.UnavailableException;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.port.NarContentHasher.NarDigest;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.port.NarStore.StorageUsage;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** The NarStore contract on a real S3 server (s3proxy on loopback), plus what only S3 has. CRT HTTP client. */
class S3NarStoreTest extends NarStoreContract {
    static final String BUCKET = "nars";
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    static Vertx vertx;
    static S3TestServer s3;
    static Path s3Data;

    @BeforeAll
    static void startS3() throws Exception {
        vertx = Vertx.vertx();
        s3Data = Files.createTempDirectory("s3proxy-");
        s3 = S3TestServer.start(s3Data);
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
        await(vertx.close().toCompletionStage());
    }

    S3StoreOptions.HttpClientKind httpClient() {
        return S3StoreOptions.HttpClientKind.CRT;
    }

    S3StoreOptions options(boolean redirect, long partSize) {
        return new S3StoreOptions("s3test", BUCKET, "root/main/s3test-" + PREFIXES.incrementAndGet() + "/",
                Optional.of("us-east-1"), Optional.of(S3TestServer.ACCESS_KEY), Optional.of(S3TestServer.SECRET_KEY),
                Optional.of(s3.endpoint()), true, redirect, httpClient(), partSize);
    }

    S3NarStore open(Path directory, S3StoreOptions options) throws Exception {
        return await(S3NarStore.open(vertx, options, directory.resolve("spool")).toCompletionStage());
    }

    @Override
    protected NarStore openStore(Path directory) throws Exception {
        return open(directory, options(false, S3StoreOptions.DEFAULT_PART_SIZE));
    }

    S3NarStore s3Store() {
        return (S3NarStore) store;
    }

    @Test
    void largeNarsGoUpAsMultipartAndReadBackWhole() throws Exception {
        S3NarStore small = open(directory, options(false, S3StoreOptions.MIN_PART_SIZE));
        byte[] content = random(12 * 1024 * 1024 + 17, 1);
        Path spool = await(small.createSpoolFile());
        Files.write(spool, content);
        NarFile file = narFile(content);

        await(small.publish(spool, file));

        try (S3AsyncClient client = s3.client()) {
            String eTag = client.headObject(b -> b.bucket(BUCKET).key(small.key(file))).get().eTag();
            assertTrue(eTag.replace("\"", "").endsWith("-3"), "3 parts of 5 MiB, 5 MiB, 2 MiB: " + eTag);
        }
        assertArrayEquals(content, read(await(small.locate(file)).orElseThrow()));
        assertTrue(Files.notExists(spool));
    }

    @Test
    void rangedReadsReturnExactlyTheRange() throws Exception {
        byte[] content = random(300_000, 2);
        NarFile file = narFile(content);
        await(store.publish(spool(content), file));

        NarLocation.Streamed streamed = assertInstanceOf(NarLocation.Streamed.class, await(store.locate(file)).orElseThrow());

        assertArrayEquals(Arrays.copyOfRange(content, 1000, 251_000), read(streamed, 1000, 250_000));
        assertArrayEquals(Arrays.copyOfRange(content, 299_990, 300_000), read(streamed, 299_990, 10));
    }

    @Test
    void redirectModeHandsOutAPresignedUrlThatServesTheNar() throws Exception {
        S3NarStore redirecting = open(directory, options(true, S3StoreOptions.DEFAULT_PART_SIZE));
        byte[] content = random(5000, 3);
        NarFile file = narFile(content);
        Path spool = await(redirecting.createSpoolFile());
        Files.write(spool, content);
        await(redirecting.publish(spool, file));

        NarLocation.Redirect redirect = assertInstanceOf(NarLocation.Redirect.class,
                await(redirecting.locate(file)).orElseThrow());

        assertTrue(redirect.uri().toString().contains("X-Amz-Signature="), redirect.uri().toString());
        assertEquals(content.length, redirect.size());
        assertArrayEquals(content, read(redirect));
    }

    @Test
    void usageListsPastTheThousandObjectsOfOnePage() throws Exception {
        try (S3AsyncClient client = s3.client()) {
            List<CompletableFuture<?>> puts = new ArrayList<>();
            for (int i = 0; i < 1005; i++) {
                byte[] content = ("nar " + i).getBytes();
                String key = s3Store().key(narFile(content));
                puts.add(client.putObject(b -> b.bucket(BUCKET).key(key),
                        AsyncRequestBody.fromBytes(content)));
                if (puts.size() == 50) {
                    CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get();
                    puts.clear();
                }
            }
            CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get();
        }

        StorageUsage usage = await(store.usage());

        assertEquals(1005, usage.files());
        java.util.concurrent.atomic.AtomicInteger walked = new java.util.concurrent.atomic.AtomicInteger();
        await(s3Store().walk(300, page -> {
            walked.addAndGet(page.size());
            return CompletableFuture.completedFuture(null);
        }));
        assertEquals(1005, walked.get(), "the walk follows the continuation tokens");
    }

    @Test
    void theHasherReadsAStreamedNar() throws Exception {
        byte[] nar = random(200_000, 4);
        byte[] compressed = Zstd.compress(nar, 3);
        NarFile file = narFile(compressed);
        await(store.publish(spool(compressed), file));
        DecompressingNarContentHasher hasher = new DecompressingNarContentHasher(vertx);

        NarDigest digest = await(hasher.digest(await(store.locate(file)).orElseThrow(), Compression.ZSTD));

        assertEquals(new NixHash(MessageDigest.getInstance("SHA-256").digest(nar)), digest.narHash());
        assertEquals(nar.length, digest.narSize());
        await(hasher.close().toCompletionStage());
    }

    @Test
    void anUnreachableS3IsUnavailableAndLeavesTheSpoolForARetry() throws Exception {
        byte[] content = random(10_000, 5);
        NarFile file = narFile(content);
        Path spool = spool(content);
        s3.stop();
        try {
            assertInstanceOf(UnavailableException.class, failureOf(store.publish(spool, file)));
            assertInstanceOf(UnavailableException.class, failureOf(store.locate(file)));
            assertTrue(Files.exists(spool), "the spool file stays, so the upload can go elsewhere");
        } finally {
            s3.restart();
        }

        await(store.publish(spool, file));

        assertArrayEquals(content, read(await(store.locate(file)).orElseThrow()));
    }

    static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
