package dev.cacheserver.application.narinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.narinfo.NarInfoText;
import dev.cacheserver.domain.port.inmemory.InMemoryNarInfoRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryNarStore;
import dev.cacheserver.domain.port.inmemory.PlainNarContentHasher;
import dev.cacheserver.domain.signing.SecretSigningKey;
import dev.cacheserver.domain.signing.SigningKeys;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The narinfos of a cache across a key rotation, as a restart with other keys would serve them from the same
 * repository: during the overlap every narinfo (stored before, published during) carries a valid signature by both
 * keys; after the old key is removed, none carries the old key's signature, in the rows or in what is served.
 */
class NarInfoKeyRotationTest {
    static final CacheName MAIN = new CacheName("main");
    static final SecretSigningKey OLD = SecretSigningKey.generate("main-1");
    static final SecretSigningKey NEW = SecretSigningKey.generate("main-2");

    @TempDir
    Path dir;
    InMemoryNarStore store;
    InMemoryNarInfoRepository repository;

    @BeforeEach
    void setUp() {
        store = new InMemoryNarStore(dir);
        repository = new InMemoryNarInfoRepository();
    }

    /** The service of a (re)started node with {@code keys}; {@code trusted} as the key record says at start. */
    NarInfoService startWith(SigningKeys keys, boolean trusted) {
        CacheProfile profile = new CacheProfile(MAIN, true, keys, URI.create("http://127.0.0.1:1"), 30);
        return new NarInfoService(profile, repository, store, new PlainNarContentHasher(), Clock.systemUTC(),
                1 << 20, trusted);
    }

    @Test
    void duringTheOverlapAPathStoredBeforeIsServedSignedByBothKeysAndTheRowKeepsThem() throws Exception {
        NarInfo before = await(startWith(SigningKeys.of(OLD), false).publishing().publish(nar('a', "before")));
        assertFalse(before.signatureBy(NEW.publicKey()).isPresent());

        NarInfoService overlap = startWith(new SigningKeys(List.of(OLD, NEW), List.of()), false);
        NarInfo served = served(overlap, before.storePath().hash());

        assertTrue(served.signatureBy(OLD.publicKey()).isPresent(), served.toString());
        assertTrue(served.signatureBy(NEW.publicKey()).isPresent(), served.toString());
        assertTrue(row(before).signatureBy(NEW.publicKey()).isPresent(), "signed once, then saved");
    }

    @Test
    void duringTheOverlapAPublishedPathIsSignedByBothKeysAlsoFromTheRenderedCache() throws Exception {
        NarInfoService overlap = startWith(new SigningKeys(List.of(NEW, OLD), List.of()), true);

        NarInfo published = await(overlap.publishing().publish(nar('b', "during")));
        NarInfo served = served(overlap, published.storePath().hash());

        assertTrue(served.signatureBy(NEW.publicKey()).isPresent());
        assertTrue(served.signatureBy(OLD.publicKey()).isPresent());
        assertEquals(served, row(published));
    }

    @Test
    void aRowMissingTheAddedKeysSignatureIsSignedOnServeEvenWhenOwnSignaturesAreTrusted() throws Exception {
        NarInfo before = await(startWith(SigningKeys.of(OLD), false).publishing().publish(nar('c', "old-only")));

        NarInfo served = served(startWith(new SigningKeys(List.of(OLD, NEW), List.of()), true),
                before.storePath().hash());

        assertTrue(served.signatureBy(NEW.publicKey()).isPresent(), served.toString());
    }

    @Test
    void afterTheOldKeyIsRemovedItsSignatureIsNeitherServedNorKept() throws Exception {
        NarInfoService overlap = startWith(new SigningKeys(List.of(NEW, OLD), List.of()), false);
        NarInfo first = await(overlap.publishing().publish(nar('d', "one")));
        NarInfo second = await(overlap.publishing().publish(nar('f', "two")));
        assertTrue(row(first).signatureBy(OLD.publicKey()).isPresent());

        NarInfoService after = startWith(new SigningKeys(List.of(NEW), List.of(OLD.publicKey())), false);
        NarInfo served = served(after, first.storePath().hash());

        assertFalse(served.signatureBy(OLD.publicKey()).isPresent(), served.toString());
        assertTrue(served.signatureBy(NEW.publicKey()).isPresent());
        assertEquals(1, await(after.serving().resignAll(1)), "the background pass takes it off the other row");
        assertFalse(row(second).signatureBy(OLD.publicKey()).isPresent());
        assertFalse(served(after, second.storePath().hash()).signatureBy(OLD.publicKey()).isPresent());
        assertEquals(0, await(after.serving().resignAll(1)), "nothing left to do");
    }

    @Test
    void aReuploadCarryingTheRetiredKeysSignatureIsStoredWithoutIt() throws Exception {
        NarInfo withOld = await(startWith(SigningKeys.of(OLD), false).publishing().publish(nar('g', "again")));
        NarInfoService after = startWith(new SigningKeys(List.of(NEW), List.of(OLD.publicKey())), true);

        NarInfo republished = await(after.publishing().publish(withOld));

        assertFalse(republished.signatureBy(OLD.publicKey()).isPresent());
        assertFalse(row(republished).signatureBy(OLD.publicKey()).isPresent());
        assertTrue(served(after, republished.storePath().hash()).signatureBy(NEW.publicKey()).isPresent());
    }

    private NarInfo served(NarInfoService service, StorePathHash hash) throws Exception {
        byte[] bytes = await(service.serving().lookup(hash)).orElseThrow();
        return NarInfoText.parse(new String(bytes, StandardCharsets.UTF_8));
    }

    private NarInfo row(NarInfo info) throws Exception {
        return await(repository.find(MAIN, info.storePath().hash())).orElseThrow();
    }

    private NarInfo nar(char c, String content) throws Exception {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        NixHash hash = new NixHash(MessageDigest.getInstance("SHA-256").digest(bytes));
        NarFile file = new NarFile(hash, Compression.NONE);
        Path spool = await(store.createSpoolFile());
        Files.write(spool, bytes);
        await(store.publish(spool, file));
        return new NarInfo(StorePath.parse(String.valueOf(c).repeat(32) + "-" + content), file, bytes.length, hash,
                bytes.length, List.of(), null, null, List.of(), null);
    }

    static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
