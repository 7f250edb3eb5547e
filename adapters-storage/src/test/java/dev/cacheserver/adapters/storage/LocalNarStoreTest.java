package dev.cacheserver.adapters.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.port.NarStore.StorageUsage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocalNarStoreTest extends NarStoreContract {
    private static Vertx vertx;
    private Path root;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        await(vertx.close().toCompletionStage());
    }

    @Override
    protected NarStore openStore(Path directory) throws Exception {
        root = directory.resolve("nars");
        return open();
    }

    private LocalNarStore open() throws Exception {
        return await(LocalNarStore.open(vertx, root).toCompletionStage());
    }

    @Test
    void narsLiveFlatInTheRootAndSpoolFilesBesideThem() throws Exception {
        byte[] content = bytes("flat", 100);
        NarFile file = narFile(content);
        Path spool = spool(content);
        assertEquals(root.resolve(LocalNarStore.SPOOL_DIRECTORY), spool.getParent(),
                "same filesystem, so publish can rename");

        await(store.publish(spool, file));

        assertArrayEquals(content, Files.readAllBytes(root.resolve(file.fileName())));
    }

    @Test
    void leftoverSpoolFilesAreRemovedAtOpen() throws Exception {
        byte[] content = bytes("kept", 123);
        await(store.publish(spool(content), narFile(content)));
        Path crashed = spool(bytes("half an upload", 4000));

        LocalNarStore reopened = open();

        assertFalse(Files.exists(crashed));
        try (var left = Files.list(root.resolve(LocalNarStore.SPOOL_DIRECTORY))) {
            assertEquals(0, left.count());
        }
        assertTrue(await(reopened.locate(narFile(content))).isPresent());
    }

    @Test
    void onAMountSharedByReplicasOnlySpoolFilesLongUntouchedAreLeftovers() throws Exception {
        Path crashed = spool(bytes("a crash's leftover", 4000));
        Files.setLastModifiedTime(crashed, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofHours(2))));
        Path inProgress = spool(bytes("another replica's upload", 4000));

        await(LocalNarStore.open(vertx, root, java.time.Duration.ofHours(1)).toCompletionStage());

        assertFalse(Files.exists(crashed));
        assertTrue(Files.exists(inProgress), "another replica may still be writing it");
    }

    @Test
    void usageAfterReopenEqualsWhatWasStored() throws Exception {
        for (int i = 0; i < 5; i++) {
            byte[] content = bytes("nar " + i, 1000 * (i + 1));
            await(store.publish(spool(content), narFile(content)));
        }
        await(store.delete(narFile(bytes("nar 2", 3000))));
        spool(bytes("not published", 50));
        Files.writeString(root.resolve("README"), "not a NAR, not counted");
        StorageUsage stored = await(store.usage());

        StorageUsage reopened = await(open().usage());

        assertEquals(new StorageUsage(1000 + 2000 + 4000 + 5000, 4), stored);
        assertEquals(stored, reopened);
    }

    @Test
    void publishingNeverExposesAPartialFile() throws Exception {
        for (int round = 0; round < 10; round++) {
            byte[] content = bytes("round " + round, 1 << 20);
            NarFile file = narFile(content);
            Path target = root.resolve(file.fileName());
            Path spool = await(store.createSpoolFile());
            try (OutputStream out = Files.newOutputStream(spool)) {
                for (int offset = 0; offset < content.length; offset += 64 * 1024) {
                    out.write(content, offset, 64 * 1024);
                    assertFalse(Files.exists(target), "nothing under the final name while spooling");
                }
            }
            Set<Long> seenSizes = ConcurrentHashMap.newKeySet();
            AtomicBoolean done = new AtomicBoolean();
            CompletableFuture<Void> watcher = CompletableFuture.runAsync(() -> {
                while (!done.get()) {
                    try {
                        seenSizes.add(Files.size(target));
                    } catch (NoSuchFileException e) {
                        // not published yet
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });

            await(store.publish(spool, file));
            done.set(true);
            watcher.get(5, TimeUnit.SECONDS);

            seenSizes.remove((long) content.length);
            assertEquals(Set.of(), seenSizes, "sizes seen under the final name other than the full one");
        }
    }

    @Test
    void worksWhenCalledFromAnEventLoop() throws Exception {
        byte[] content = bytes("from the event loop", 5000);
        NarFile file = narFile(content);
        CompletableFuture<Optional<NarLocation>> result = new CompletableFuture<>();

        vertx.runOnContext(ignored -> Future.fromCompletionStage(store.createSpoolFile())
                .compose(spool -> vertx.fileSystem().writeFile(spool.toString(), Buffer.buffer(content))
                        .compose(written -> Future.fromCompletionStage(store.publish(spool, file))))
                .compose(published -> Future.fromCompletionStage(store.locate(file)))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        result.complete(ar.result());
                    } else {
                        result.completeExceptionally(ar.cause());
                    }
                }));

        assertEquals(content.length, await(result).orElseThrow().size());
    }

    @Test
    void openFailsWhenTheRootIsNotADirectory() throws Exception {
        Path notADirectory = Files.writeString(directory.resolve("a-file"), "x");

        Throwable failure = failureOf(LocalNarStore.open(vertx, notADirectory).toCompletionStage());

        assertInstanceOf(StorageException.class, failure);
    }
}
