package dev.cacheserver.application.narinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.domain.error.HashMismatchException;
import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.NarContentHasher;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.SpoolProgress;
import dev.cacheserver.domain.port.inmemory.InMemoryNarInfoRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryNarStore;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Publishing a narinfo whose NAR was digested while it was uploaded: the remembered digest replaces the second
 * decompression, and checks the narinfo just as strictly.
 */
class NarInfoServiceUploadedDigestTest {
    static final CacheName MAIN = new CacheName("main");
    // What the compressed file is does not matter here: the hasher below is scripted.
    static final byte[] COMPRESSED = "pretend this is a zstd-compressed NAR".getBytes(StandardCharsets.US_ASCII);
    static final byte[] NAR = "nix-archive-1 ( type regular contents hello )".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    InMemoryNarStore store;
    InMemoryNarInfoRepository repository;
    ScriptedHasher hasher;
    NarInfoService narInfos;
    NarInfo info;
    NarContentHasher.NarDigest rightDigest;

    @BeforeEach
    void setUp() throws Exception {
        store = new InMemoryNarStore(dir);
        repository = new InMemoryNarInfoRepository();
        rightDigest = new NarContentHasher.NarDigest(sha256(NAR), NAR.length);
        hasher = new ScriptedHasher(CompletableFuture.completedFuture(rightDigest));
        CacheProfile profile = new CacheProfile(MAIN, true, SecretSigningKey.generate("main-1"),
                URI.create("http://127.0.0.1:1"), 30);
        narInfos = new NarInfoService(profile, repository, store, hasher);
        NarFile file = new NarFile(sha256(COMPRESSED), Compression.ZSTD);
        Path spool = await(store.createSpoolFile());
        Files.write(spool, COMPRESSED);
        await(store.publish(spool, file));
        info = new NarInfo(StorePath.parse("a".repeat(32) + "-hello"), file, COMPRESSED.length, sha256(NAR),
                NAR.length, List.of(), null, null, List.of(), null);
    }

    @Test
    void withoutARememberedDigestTheStoredNarIsDecompressed() throws Exception {
        await(narInfos.publishing().publish(info));

        assertEquals(1, hasher.digests.get(), "the hasher decompressed the stored NAR");
        assertTrue(await(narInfos.serving().lookup(info.storePath().hash())).isPresent());
    }

    @Test
    void aRememberedDigestPublishesWithoutDecompressingAgain() throws Exception {
        hasher.result = CompletableFuture.failedFuture(new AssertionError("the stored NAR must not be hashed"));
        narInfos.uploadDigests().remember(info.narFile(), CompletableFuture.completedFuture(rightDigest));

        NarInfo published = await(narInfos.publishing().publish(info));

        assertEquals(0, hasher.digests.get(), "no second decompression");
        assertTrue(await(narInfos.serving().lookup(info.storePath().hash())).isPresent(), "the narinfo is served");
        assertTrue(await(repository.find(MAIN, info.storePath().hash())).isPresent(), "and saved");
        assertEquals(info.narHash(), published.narHash());
    }

    @Test
    void aDigestStillRunningIsAwaitedBeforePublishing() throws Exception {
        CompletableFuture<NarContentHasher.NarDigest> running = new CompletableFuture<>();
        narInfos.uploadDigests().remember(info.narFile(), running);

        CompletableFuture<NarInfo> publishing = narInfos.publishing().publish(info).toCompletableFuture();
        assertThrows(TimeoutException.class, () -> publishing.get(200, TimeUnit.MILLISECONDS));
        assertTrue(await(narInfos.serving().lookup(info.storePath().hash())).isEmpty(), "not served before it is checked");

        running.complete(rightDigest);

        await(publishing);
        assertEquals(0, hasher.digests.get());
        assertTrue(await(narInfos.serving().lookup(info.storePath().hash())).isPresent());
    }

    @Test
    void aRememberedDigestWithAnotherNarHashRejectsTheNarInfo() throws Exception {
        narInfos.uploadDigests().remember(info.narFile(), CompletableFuture.completedFuture(
                new NarContentHasher.NarDigest(sha256("other content".getBytes(StandardCharsets.US_ASCII)),
                        NAR.length)));

        Throwable failure = failureOf(narInfos.publishing().publish(info));

        assertInstanceOf(HashMismatchException.class, failure);
        assertTrue(failure.getMessage().contains("NarHash mismatch"), failure.getMessage());
        assertEquals(0, hasher.digests.get(), "the remembered digest is trusted, not re-checked");
        assertTrue(await(narInfos.serving().lookup(info.storePath().hash())).isEmpty(), "nothing is served");
        assertTrue(await(repository.find(MAIN, info.storePath().hash())).isEmpty(), "nothing is saved");
    }

    @Test
    void aRememberedDigestWithAnotherNarSizeRejectsTheNarInfo() throws Exception {
        narInfos.uploadDigests().remember(info.narFile(), CompletableFuture.completedFuture(
                new NarContentHasher.NarDigest(sha256(NAR), NAR.length + 1)));

        Throwable failure = failureOf(narInfos.publishing().publish(info));

        assertInstanceOf(HashMismatchException.class, failure);
        assertTrue(failure.getMessage().contains("NarSize mismatch"), failure.getMessage());
        assertTrue(await(narInfos.serving().lookup(info.storePath().hash())).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aNarThatDidNotDecompressDuringTheUploadIsRejected(boolean wrapped) throws Exception {
        HashMismatchException notZstd = new HashMismatchException("NAR file is not valid zstd data: bad magic");
        narInfos.uploadDigests().remember(info.narFile(), failed(notZstd, wrapped));

        Throwable failure = failureOf(narInfos.publishing().publish(info));

        assertSame(notZstd, failure);
        assertEquals(0, hasher.digests.get(), "bad data fails the same either way: no second try");
        assertTrue(await(narInfos.serving().lookup(info.storePath().hash())).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aDigestThatCouldNotFinishFallsBackToTheStoredNar(boolean wrapped) throws Exception {
        narInfos.uploadDigests().remember(info.narFile(),
                failed(new SpoolProgress.Abandoned("the upload into /tmp/x was abandoned"), wrapped));

        await(narInfos.publishing().publish(info));

        assertEquals(1, hasher.digests.get(), "the stored NAR was decompressed instead");
        assertTrue(await(narInfos.serving().lookup(info.storePath().hash())).isPresent());
    }

    @Test
    void aStorageFailureOfTheFollowerAlsoFallsBack() throws Exception {
        narInfos.uploadDigests().remember(info.narFile(),
                CompletableFuture.failedFuture(new StorageException("cannot read NAR upload: interrupted")));

        await(narInfos.publishing().publish(info));

        assertEquals(1, hasher.digests.get());
        assertTrue(await(narInfos.serving().lookup(info.storePath().hash())).isPresent());
    }

    @Test
    void aFallbackStillChecksTheNarHash() throws Exception {
        hasher.result = CompletableFuture.completedFuture(
                new NarContentHasher.NarDigest(sha256("other".getBytes(StandardCharsets.US_ASCII)), NAR.length));
        narInfos.uploadDigests().remember(info.narFile(),
                CompletableFuture.failedFuture(new SpoolProgress.Abandoned("abandoned")));

        Throwable failure = failureOf(narInfos.publishing().publish(info));

        assertInstanceOf(HashMismatchException.class, failure);
        assertTrue(failure.getMessage().contains("NarHash mismatch"), failure.getMessage());
    }

    @Test
    void aDigestRememberedForAnotherNarIsNotUsed() throws Exception {
        NarFile other = new NarFile(sha256("another file".getBytes(StandardCharsets.US_ASCII)), Compression.ZSTD);
        narInfos.uploadDigests().remember(other, CompletableFuture.completedFuture(
                new NarContentHasher.NarDigest(sha256("wrong".getBytes(StandardCharsets.US_ASCII)), 1)));

        await(narInfos.publishing().publish(info));

        assertEquals(1, hasher.digests.get());
    }

    @Test
    void anUncompressedUploadIsNotFollowed() {
        SpoolProgress spool = new SpoolProgress(dir.resolve("spool-x"));

        assertEquals(Optional.empty(), narInfos.uploadDigests().digestWhileUploaded(spool, Compression.NONE),
                "its NarHash is its FileHash, checked anyway");
        assertEquals(0, hasher.follows.get(), "the hasher was not asked");
    }

    @Test
    void aCompressedUploadIsFollowedByTheHasher() {
        SpoolProgress spool = new SpoolProgress(dir.resolve("spool-y"));

        Optional<CompletionStage<NarContentHasher.NarDigest>> following =
                narInfos.uploadDigests().digestWhileUploaded(spool, Compression.XZ);

        assertTrue(following.isPresent());
        assertSame(hasher.following, following.get());
        assertEquals(1, hasher.follows.get());
        assertSame(spool, hasher.followedSpool);
        assertEquals(Compression.XZ, hasher.followedCompression);
    }

    // --- helpers

    /** Answers digest() with a scripted result and counts the calls; follows return a stage of its own. */
    static final class ScriptedHasher implements NarContentHasher {
        final AtomicInteger digests = new AtomicInteger();
        final AtomicInteger follows = new AtomicInteger();
        final CompletableFuture<NarDigest> following = new CompletableFuture<>();
        volatile CompletionStage<NarDigest> result;
        volatile SpoolProgress followedSpool;
        volatile Compression followedCompression;

        ScriptedHasher(CompletionStage<NarDigest> result) {
            this.result = result;
        }

        @Override
        public CompletionStage<NarDigest> digest(NarLocation location, Compression compression) {
            digests.incrementAndGet();
            return result;
        }

        @Override
        public Optional<CompletionStage<NarDigest>> digestWhileWritten(SpoolProgress spool, Compression compression) {
            follows.incrementAndGet();
            followedSpool = spool;
            followedCompression = compression;
            return Optional.of(following);
        }
    }

    /** A failed stage, either failed itself or (as dependent stages fail) wrapped in a CompletionException. */
    private static CompletionStage<NarContentHasher.NarDigest> failed(Throwable cause, boolean wrapped) {
        CompletableFuture<NarContentHasher.NarDigest> failed = CompletableFuture.failedFuture(cause);
        return wrapped ? failed.thenApply(digest -> digest) : failed;
    }

    private static NixHash sha256(byte[] data) throws Exception {
        return new NixHash(MessageDigest.getInstance("SHA-256").digest(data));
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
        throw new AssertionError("expected the stage to fail");
    }
}
