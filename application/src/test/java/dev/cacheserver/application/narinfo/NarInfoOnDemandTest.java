package dev.cacheserver.application.narinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.domain.error.ConflictException;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.narinfo.NarInfoText;
import dev.cacheserver.domain.port.inmemory.InMemoryNarInfoRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryNarStore;
import dev.cacheserver.domain.port.inmemory.PlainNarContentHasher;
import dev.cacheserver.domain.signing.NarSignature;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Narinfos served on demand from the repository: nothing is loaded up front, answers stay right across this
 * node's publishes and removals, rows are signed on first serve, memory stays within its byte budget, and a
 * store path is immutable once published.
 */
class NarInfoOnDemandTest {
    static final CacheName MAIN = new CacheName("main");
    static final SecretSigningKey KEY = SecretSigningKey.generate("main-1");
    static final CacheProfile PROFILE = new CacheProfile(MAIN, true, KEY, URI.create("http://127.0.0.1:1"), 30);

    @TempDir
    Path dir;
    InMemoryNarStore store;
    InMemoryNarInfoRepository repository;

    @BeforeEach
    void setUp() {
        store = new InMemoryNarStore(dir);
        repository = new InMemoryNarInfoRepository();
    }

    NarInfoService service(long cacheBytes, boolean trustOwnSignatures) {
        return new NarInfoService(PROFILE, repository, store, new PlainNarContentHasher(), Clock.systemUTC(),
                cacheBytes, trustOwnSignatures);
    }

    NarInfo stored(char c, String content, StorePath... refs) throws Exception {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        NixHash hash = new NixHash(MessageDigest.getInstance("SHA-256").digest(bytes));
        NarFile file = new NarFile(hash, Compression.NONE);
        Path spool = await(store.createSpoolFile());
        Files.write(spool, bytes);
        await(store.publish(spool, file));
        return new NarInfo(StorePath.parse(String.valueOf(c).repeat(32) + "-" + content), file, bytes.length, hash,
                bytes.length, List.of(refs), null, null, List.of(), null);
    }

    @Test
    void rowsWrittenBeforeStartAreServedSignedOnFirstServeAndTheSignatureIsKept() throws Exception {
        NarInfo unsigned = stored('a', "before");
        await(repository.save(MAIN, unsigned));
        NarInfoService narInfos = service(1 << 20, false);

        String served = new String(await(narInfos.serving().lookup(unsigned.storePath().hash())).orElseThrow(),
                StandardCharsets.UTF_8);

        NarInfo parsed = NarInfoText.parse(served);
        assertTrue(parsed.signatureBy(KEY.publicKey()).isPresent(), served);
        assertTrue(await(repository.find(MAIN, unsigned.storePath().hash())).orElseThrow()
                .signatureBy(KEY.publicKey()).isPresent(), "the signature made on first serve is saved");
    }

    @Test
    void aBackgroundPassResignsEveryRowInPages() throws Exception {
        for (char c : "bcdfg".toCharArray()) {
            await(repository.save(MAIN, stored(c, "row-" + c)));
        }
        NarInfoService narInfos = service(1 << 20, false);

        assertEquals(5, await(narInfos.serving().resignAll(2)));

        for (char c : "bcdfg".toCharArray()) {
            NarInfo row = await(repository.find(MAIN, stored(c, "row-" + c).storePath().hash())).orElseThrow();
            assertTrue(row.signatureBy(KEY.publicKey()).isPresent());
        }
        assertEquals(0, await(narInfos.serving().resignAll(2)), "nothing left to sign");
    }

    @Test
    void aMissIsForgottenAsSoonAsThisNodePublishesThePath() throws Exception {
        NarInfoService narInfos = service(1 << 20, false);
        NarInfo info = stored('h', "late");

        assertEquals(Optional.empty(), await(narInfos.serving().lookup(info.storePath().hash())));
        await(narInfos.publishing().publish(info));

        assertTrue(await(narInfos.serving().lookup(info.storePath().hash())).isPresent());
    }

    @Test
    void aRemovedPathIsNoLongerServedEvenIfItWasCached() throws Exception {
        NarInfoService narInfos = service(1 << 20, false);
        NarInfo info = await(narInfos.publishing().publish(stored('i', "gone")));
        assertTrue(await(narInfos.serving().lookup(info.storePath().hash())).isPresent());

        assertEquals(1, await(narInfos.removal().removeAll(List.of(info.storePath().hash()))));

        assertEquals(Optional.empty(), await(narInfos.serving().lookup(info.storePath().hash())));
    }

    @Test
    void theRenderedCacheStaysWithinItsByteBudgetAndEverythingIsStillServed() throws Exception {
        long budget = 16 * 1024;
        NarInfoService narInfos = service(budget, true);
        List<NarInfo> infos = new java.util.ArrayList<>();
        String alphabet = "0123456789abcdfghijklmnpqrsvwxyz";
        for (int i = 0; i < 300; i++) {
            String hash = "" + alphabet.charAt(i % 32) + alphabet.charAt(i / 32) + "0".repeat(30);
            NarInfo base = stored('j', "many-" + i);
            NarInfo info = new NarInfo(StorePath.parse(hash + "-many-" + i), base.narFile(), base.fileSize(),
                    base.narHash(), base.narSize(), List.of(), null, null, List.of(), null).signedBy(KEY);
            await(repository.save(MAIN, info));
            infos.add(info);
        }

        for (NarInfo info : infos) {
            byte[] served = await(narInfos.serving().lookup(info.storePath().hash())).orElseThrow();
            assertEquals(NarInfoText.render(info), new String(served, StandardCharsets.UTF_8));
        }

        long held = narInfos.serving().cachedBytes();
        assertTrue(held > 0 && held <= budget, "held " + held + " bytes of a " + budget + " budget");
    }

    @Test
    void aSecondUploadWithOtherContentIsAConflictAndChangesNothing() throws Exception {
        NarInfoService narInfos = service(1 << 20, false);
        NarInfo first = await(narInfos.publishing().publish(stored('k', "first")));
        NarInfo other = stored('k', "other");
        NarInfo sameNameOtherNar = new NarInfo(first.storePath(), other.narFile(), other.fileSize(), other.narHash(),
                other.narSize(), List.of(), null, null, List.of(), null);
        NarInfo otherRefs = new NarInfo(first.storePath(), first.narFile(), first.fileSize(), first.narHash(),
                first.narSize(), List.of(other.storePath()), null, null, List.of(), null);

        Throwable conflict = failureOf(narInfos.publishing().publish(sameNameOtherNar));
        Throwable refs = failureOf(narInfos.publishing().publish(otherRefs));

        assertInstanceOf(ConflictException.class, conflict);
        assertTrue(conflict.getMessage().contains("immutable") && conflict.getMessage().contains(first.narHash().toString()),
                conflict.getMessage());
        assertInstanceOf(ConflictException.class, refs);
        assertEquals(Optional.of(first), await(repository.find(MAIN, first.storePath().hash())));
        assertEquals(NarInfoText.render(first), new String(await(narInfos.serving().lookup(first.storePath().hash()))
                .orElseThrow(), StandardCharsets.UTF_8));
    }

    @Test
    void aRepublishOfTheSameContentAddsSignaturesAndKeepsTheStoredOnes() throws Exception {
        NarInfoService narInfos = service(1 << 20, false);
        SecretSigningKey client = SecretSigningKey.generate("client-1");
        NarInfo info = stored('l', "signed");
        await(narInfos.publishing().publish(info.signedBy(client)));
        SecretSigningKey other = SecretSigningKey.generate("other-1");

        NarInfo republished = await(narInfos.publishing().publish(info.signedBy(other)));

        List<String> names = republished.signatures().stream().map(NarSignature::keyName).toList();
        assertEquals(List.of("client-1", "other-1", "main-1"), names);
        assertEquals(republished, await(repository.find(MAIN, info.storePath().hash())).orElseThrow());
    }

    static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static Throwable failureOf(CompletionStage<?> stage) throws Exception {
        try {
            stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }
}
