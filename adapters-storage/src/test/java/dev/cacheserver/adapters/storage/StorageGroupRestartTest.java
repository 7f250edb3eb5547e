package dev.cacheserver.adapters.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.inmemory.InMemoryNarPlacementRepository;
import dev.cacheserver.domain.storage.Capacity;
import dev.cacheserver.domain.storage.PlacementStrategy;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The round-robin position after a restart, while the background reconcile is still walking the storages. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StorageGroupRestartTest {
    static Vertx vertx;
    @TempDir
    Path directory;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        NarStoreContract.await(vertx.close().toCompletionStage());
    }

    @Test
    void anUploadThatTheReconcileSeesFirstStillAdvancesTheRoundRobin() throws Exception {
        InMemoryNarPlacementRepository ledger = new InMemoryNarPlacementRepository();
        StorageGroupNarStore before = open(ledger);
        assertEquals(List.of("x", "y", "z", "x"), StorageGroupNarStoreTest.push(before, 4, 100, "rr"));

        // Restart: the reconcile holds at its first page until the first upload has landed on disk, unrecorded.
        GatedPlacementRepository gated = new GatedPlacementRepository(ledger);
        StorageGroupNarStore after = open(gated);
        byte[] content = NarStoreContract.bytes("first after restart", 100);
        NarFile file = NarStoreContract.narFile(content);
        Path spool = NarStoreContract.await(after.createSpoolFile());
        Files.write(spool, content);
        CompletionStage<Void> publishing = after.publish(spool, file);
        awaitFile(directory.resolve("y").resolve(file.fileName()));
        gated.walkMayGoOn.complete(null);
        NarStoreContract.await(after.reconciled());
        gated.publishMayRecord.complete(null);
        NarStoreContract.await(publishing);

        assertEquals(Optional.of("y"), NarStoreContract.await(after.storageOf(file)));
        assertEquals(Optional.of("y"), NarStoreContract.await(ledger.state(StorageGroupNarStoreTest.CACHE))
                .lastPlacement(), "the ledger records the upload as the last placement");
        assertEquals(List.of("z", "x"), StorageGroupNarStoreTest.push(after, 2, 100, "next"),
                "the position the ledger implies: after y comes z");
    }

    private StorageGroupNarStore open(dev.cacheserver.domain.port.NarPlacementRepository repository) throws Exception {
        List<StorageGroupNarStore.Member> members = new java.util.ArrayList<>();
        for (String name : List.of("x", "y", "z")) {
            Path root = directory.resolve(name);
            members.add(new StorageGroupNarStore.Member(name, "local",
                    NarStoreContract.await(LocalNarStore.open(vertx, root).toCompletionStage()), Capacity.UNLIMITED, 0,
                    Optional.of(root)));
        }
        return NarStoreContract.await(StorageGroupNarStore.open(vertx, StorageGroupNarStoreTest.CACHE, members,
                PlacementStrategy.named("round-robin"), repository).toCompletionStage());
    }

    /** Polls with a deadline: the publish renames the spool file into place on a worker thread. */
    private static void awaitFile(Path path) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(path)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("never appeared: " + path);
            }
            Thread.sleep(10);
        }
    }
}
