package dev.cacheserver.adapters.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.port.UploadPartStore;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link UploadPartStore} must do; run against the in-memory twin and the local directory store. */
abstract class UploadPartStoreContract {
    @TempDir
    Path dir;
    UploadPartStore store;

    abstract UploadPartStore create(Path dir);

    @BeforeEach
    void setUp() {
        store = create(dir);
    }

    private void put(UUID id, int n, byte[] bytes) throws Exception {
        Path spool = await(store.createPartSpool(id));
        Files.write(spool, bytes);
        await(store.keepPart(id, n, spool));
    }

    @Test
    void partsAreAssembledInTheGivenOrderWithTheirHash() throws Exception {
        UUID id = UUID.randomUUID();
        byte[] one = random(3_000_000, 1);
        byte[] two = random(1234, 2);
        put(id, 2, two);
        put(id, 1, one);
        put(id, 3, new byte[0]);
        Path target = dir.resolve("target");

        UploadPartStore.Assembled assembled = await(store.assemble(id, List.of(1, 2, 3), target));

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(one);
        expected.writeBytes(two);
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(target));
        assertEquals(expected.size(), assembled.size());
        assertEquals(new NixHash(MessageDigest.getInstance("SHA-256").digest(expected.toByteArray())), assembled.sha256());
    }

    @Test
    void aRetriedPartReplacesTheFirstCopy() throws Exception {
        UUID id = UUID.randomUUID();
        put(id, 1, "first".getBytes());
        put(id, 1, "second".getBytes());

        await(store.assemble(id, List.of(1), dir.resolve("t")));

        assertEquals("second", Files.readString(dir.resolve("t")));
    }

    @Test
    void aMissingPartFailsAsInvalidInput() throws Exception {
        UUID id = UUID.randomUUID();
        put(id, 1, "x".getBytes());

        Throwable failure = failure(store.assemble(id, List.of(1, 2), dir.resolve("t")));

        assertInstanceOf(InvalidInputException.class, failure);
        assertTrue(failure.getMessage().contains("part 2"), failure.getMessage());
    }

    @Test
    void deletedUploadsAreGoneAndListedUploadsAreThoseWithParts() throws Exception {
        UUID kept = UUID.randomUUID();
        UUID deleted = UUID.randomUUID();
        put(kept, 1, "a".getBytes());
        put(deleted, 1, "b".getBytes());

        await(store.deleteUpload(deleted));
        await(store.deleteUpload(UUID.randomUUID()));

        assertEquals(List.of(kept), await(store.uploads()));
        assertInstanceOf(InvalidInputException.class, failure(store.assemble(deleted, List.of(1), dir.resolve("t"))));
    }

    @Test
    void aDiscardedSpoolIsGone() throws Exception {
        Path spool = await(store.createPartSpool(UUID.randomUUID()));
        Files.write(spool, "x".getBytes());

        await(store.discard(spool));
        await(store.discard(spool));

        assertTrue(Files.notExists(spool));
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    static Throwable failure(CompletionStage<?> stage) throws Exception {
        try {
            stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }
}
