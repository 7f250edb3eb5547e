package dev.cacheserver.adapters.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.port.NarStore.StorageUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link NarStore} must do; subclasses say how to open one on an empty directory. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
abstract class NarStoreContract {
    @TempDir
    Path directory;
    NarStore store;

    /** A store on {@code directory}, empty. */
    protected abstract NarStore openStore(Path directory) throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = openStore(directory);
    }

    @Test
    void spoolFilesAreNewAndEmpty() throws Exception {
        Path first = await(store.createSpoolFile());
        Path second = await(store.createSpoolFile());

        assertNotEquals(first, second);
        assertEquals(0, Files.size(first));
        assertEquals(0, Files.size(second));
    }

    @Test
    void publishedNarIsLocatedWithItsBytesAndSize() throws Exception {
        byte[] content = bytes("a NAR", 10_000);
        NarFile file = narFile(content);
        Path spool = spool(content);

        await(store.publish(spool, file));

        NarLocation location = await(store.locate(file)).orElseThrow();
        assertEquals(content.length, location.size());
        assertArrayEquals(content, read(location));
        assertFalse(Files.exists(spool), "the spool file is gone after publish");
    }

    @Test
    void locateOfAMissingNarIsEmpty() throws Exception {
        assertEquals(Optional.empty(), await(store.locate(narFile(bytes("never stored", 10)))));
    }

    @Test
    void publishingAnExistingNameKeepsTheOriginalAndRemovesTheSpool() throws Exception {
        byte[] original = bytes("original", 1000);
        NarFile file = narFile(original);
        await(store.publish(spool(original), file));
        // Different bytes under the same name make it visible which copy was kept.
        Path second = spool(bytes("impostor", 500));

        await(store.publish(second, file));

        NarLocation location = await(store.locate(file)).orElseThrow();
        assertArrayEquals(original, read(location));
        assertFalse(Files.exists(second));
        assertEquals(new StorageUsage(original.length, 1), await(store.usage()));
    }

    @Test
    void concurrentPublishesOfOneNameStoreItOnce() throws Exception {
        byte[] content = bytes("popular", 4096);
        NarFile file = narFile(content);
        List<Path> spools = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            spools.add(spool(content));
        }

        List<CompletionStage<Void>> publishes = new ArrayList<>();
        for (Path spool : spools) {
            publishes.add(store.publish(spool, file));
        }
        for (CompletionStage<Void> publish : publishes) {
            await(publish);
        }

        assertEquals(new StorageUsage(content.length, 1), await(store.usage()));
        for (Path spool : spools) {
            assertFalse(Files.exists(spool));
        }
    }

    @Test
    void discardRemovesTheSpoolFileAndToleratesAMissingOne() throws Exception {
        Path spool = spool(bytes("abandoned upload", 100));

        await(store.discard(spool));
        await(store.discard(spool));

        assertFalse(Files.exists(spool));
        assertEquals(new StorageUsage(0, 0), await(store.usage()));
    }

    @Test
    void publishAndDiscardRefuseFilesTheStoreDidNotHandOut() throws Exception {
        Path foreign = Files.writeString(Files.createTempDirectory(directory, "elsewhere").resolve("x"), "keep me");
        NarFile file = narFile(bytes("x", 1));

        assertInstanceOf(StorageException.class, failureOf(store.publish(foreign, file)));
        assertInstanceOf(StorageException.class, failureOf(store.discard(foreign)));
        assertTrue(Files.exists(foreign));
        assertEquals(Optional.empty(), await(store.locate(file)));
    }

    @Test
    void publishOfASpoolFileThatIsGoneFails() throws Exception {
        Path spool = spool(bytes("gone", 10));
        await(store.discard(spool));

        assertInstanceOf(StorageException.class, failureOf(store.publish(spool, narFile(bytes("gone", 10)))));
    }

    @Test
    void deleteRemovesAPublishedNar() throws Exception {
        byte[] content = bytes("short-lived", 2000);
        NarFile file = narFile(content);
        await(store.publish(spool(content), file));

        assertTrue(await(store.delete(file)));

        assertEquals(Optional.empty(), await(store.locate(file)));
        assertFalse(await(store.delete(file)), "a second delete finds nothing");
        assertEquals(new StorageUsage(0, 0), await(store.usage()));
    }

    @Test
    void deletedNarCanBePublishedAgain() throws Exception {
        byte[] content = bytes("comes back", 300);
        NarFile file = narFile(content);
        await(store.publish(spool(content), file));
        await(store.delete(file));

        await(store.publish(spool(content), file));

        assertEquals(content.length, await(store.locate(file)).orElseThrow().size());
        assertEquals(new StorageUsage(content.length, 1), await(store.usage()));
    }

    @Test
    void usageCountsPublishedNarsOnly() throws Exception {
        assertEquals(new StorageUsage(0, 0), await(store.usage()));
        byte[] a = bytes("a", 1000);
        byte[] b = bytes("b", 2500);
        byte[] c = bytes("c", 7);
        await(store.publish(spool(a), narFile(a)));
        await(store.publish(spool(b), narFile(b)));
        await(store.publish(spool(c), narFile(c)));
        spool(bytes("unpublished", 999));

        assertEquals(new StorageUsage(a.length + b.length + c.length, 3), await(store.usage()));

        await(store.delete(narFile(b)));

        assertEquals(new StorageUsage(a.length + c.length, 2), await(store.usage()));
    }

    @Test
    void aWalkVisitsEveryPublishedNarOnceInPagesOfAtMostThePageSize() throws Exception {
        java.util.Set<String> published = new java.util.HashSet<>();
        for (int i = 0; i < 23; i++) {
            byte[] content = bytes("walked " + i, 100 + i);
            await(store.publish(spool(content), narFile(content)));
            published.add(narFile(content).fileName() + " " + content.length);
        }
        spool(bytes("an unpublished upload is no NAR", 50));

        List<String> walked = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        await(store.walk(5, page -> {
            pageSizes.add(page.size());
            page.forEach(nar -> walked.add(nar.file().fileName() + " " + nar.size()));
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }));

        assertEquals(published, new java.util.HashSet<>(walked));
        assertEquals(published.size(), walked.size(), "each NAR once: " + walked);
        assertTrue(pageSizes.stream().allMatch(n -> n >= 1 && n <= 5), "pages of 1 to 5: " + pageSizes);
    }

    @Test
    void aWalkReadsTheNextPageOnlyWhenTheVisitorIsDoneAndStopsOnItsFailure() throws Exception {
        for (int i = 0; i < 6; i++) {
            byte[] content = bytes("paced " + i, 10);
            await(store.publish(spool(content), narFile(content)));
        }
        java.util.concurrent.CompletableFuture<Void> firstDone = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.atomic.AtomicInteger pages = new java.util.concurrent.atomic.AtomicInteger();

        var walk = store.walk(2, page -> pages.incrementAndGet() == 1 ? firstDone
                : java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("visitor gave up")))
                .toCompletableFuture();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pages.get() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(1, pages.get(), "the first page arrives");
        assertFalse(walk.isDone(), "no second page while the first is being handled");
        assertEquals(1, pages.get());
        firstDone.complete(null);
        ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> walk.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, unwrapped(failed.getCause()));
        assertEquals(2, pages.get(), "the failure ends the walk");
    }

    @Test
    void aWalkOfAnEmptyStoreVisitsNothing() throws Exception {
        List<Integer> pages = new ArrayList<>();
        await(store.walk(10, page -> {
            pages.add(page.size());
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }));
        assertEquals(List.of(), pages);
    }

    private static Throwable unwrapped(Throwable e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    // --- helpers

    /** The bytes behind any location: the file, the relayed stream, or a GET of the redirect URL. */
    static byte[] read(NarLocation location) throws Exception {
        if (location instanceof NarLocation.LocalFile local) {
            return Files.readAllBytes(local.path());
        }
        if (location instanceof NarLocation.Streamed streamed) {
            return read(streamed, 0, streamed.size());
        }
        NarLocation.Redirect redirect = (NarLocation.Redirect) location;
        java.net.http.HttpResponse<byte[]> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(redirect.uri()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), "GET " + redirect.uri());
        return response.body();
    }

    static byte[] read(NarLocation.Streamed streamed, long offset, long length) throws Exception {
        try (java.io.InputStream in = new PublisherInputStream(streamed.source().open(offset, length), 10_000)) {
            return in.readAllBytes();
        }
    }

    Path spool(byte[] content) throws Exception {
        Path spool = await(store.createSpoolFile());
        Files.write(spool, content);
        return spool;
    }

    static NarFile narFile(byte[] content) throws Exception {
        return new NarFile(new NixHash(MessageDigest.getInstance("SHA-256").digest(content)), Compression.ZSTD);
    }

    static byte[] bytes(String seed, int length) {
        byte[] pattern = (seed + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = pattern[i % pattern.length];
        }
        return out;
    }

    static <T> T await(CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    static Throwable failureOf(CompletionStage<?> stage) throws Exception {
        try {
            stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        return fail("expected the stage to fail");
    }
}
