package dev.cacheserver.application.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.application.port.in.DeletedPath;
import dev.cacheserver.application.port.in.PathDetails;
import dev.cacheserver.domain.error.ConflictException;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.inmemory.InMemoryNarInfoRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryNarStore;
import dev.cacheserver.domain.port.inmemory.InMemoryPinRepository;
import dev.cacheserver.domain.port.inmemory.PlainNarContentHasher;
import dev.cacheserver.domain.signing.SecretSigningKey;
import dev.cacheserver.domain.upload.Pin;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing, inspecting and deleting paths over the in-memory ports: refusals, shared NARs, served narinfos. */
class PathAdministrationTest {
    static final CacheName MAIN = new CacheName("main");
    @TempDir
    Path dir;
    InMemoryNarStore store;
    InMemoryNarInfoRepository repository;
    InMemoryPinRepository pins;
    NarInfoService narInfos;
    PathAdministration admin;

    @BeforeEach
    void setUp() {
        store = new InMemoryNarStore(dir);
        repository = new InMemoryNarInfoRepository();
        pins = new InMemoryPinRepository();
        CacheProfile profile = new CacheProfile(MAIN, true, SecretSigningKey.generate("main-1"),
                URI.create("http://127.0.0.1:1"), 30);
        narInfos = new NarInfoService(profile, repository, store, new PlainNarContentHasher(), Clock.systemUTC());
        admin = new PathAdministration(profile, repository, narInfos.removal(), store, pins);
    }

    @Test
    void hashOfAcceptsAStorePathABaseNameOrAHashAndRejectsTheRest() {
        String hash = "0".repeat(32);
        assertEquals(hash, PathAdministration.hashOf("/nix/store/" + hash + "-hello-2.12").value());
        assertEquals(hash, PathAdministration.hashOf(hash + "-hello").value());
        assertEquals(hash, PathAdministration.hashOf(hash).value());
        for (String bad : List.of("", "hello", "/nix/store/../etc/passwd", "e".repeat(32), hash + "/x", "/tmp/" + hash)) {
            assertThrows(InvalidInputException.class, () -> PathAdministration.hashOf(bad), bad);
        }
    }

    @Test
    void deletingAReferencedOrPinnedPathIsRefusedUnlessForced() throws Exception {
        StorePath lib = path('b', "lib");
        StorePath app = path('a', "app");
        NarInfo libInfo = push(lib, "lib");
        push(app, "app", lib);

        Throwable refused = failure(admin.delete(lib.hash(), false));
        assertInstanceOf(ConflictException.class, refused);
        assertTrue(refused.getMessage().contains(app.fullPath()), refused.getMessage());
        assertTrue(await(narInfos.serving().lookup(lib.hash())).isPresent());

        DeletedPath forced = await(admin.delete(lib.hash(), true));
        assertEquals(List.of(app), forced.referrers());
        assertTrue(forced.narDeleted());
        assertTrue(await(narInfos.serving().lookup(lib.hash())).isEmpty(), "no longer served");
        assertTrue(await(store.locate(libInfo.narFile())).isEmpty());

        await(pins.add(new Pin(MAIN, "release", app, List.of(), new Pin.Keep(Pin.Keep.Kind.FOREVER, 0), Instant.now())));
        Throwable pinned = failure(admin.delete(app.hash(), false));
        assertTrue(pinned.getMessage().contains("pinned as release"), pinned.getMessage());
        assertEquals(List.of("release"), await(admin.info(app.hash())).pins().stream().map(Pin::name).toList());
    }

    @Test
    void aSharedNarStaysWhileAnotherPathUsesIt() throws Exception {
        NarInfo one = push(path('c', "one"), "same");
        push(path('d', "two"), "same");

        DeletedPath deleted = await(admin.delete(one.storePath().hash(), false));

        assertFalse(deleted.narDeleted());
        assertTrue(await(store.locate(one.narFile())).isPresent());
    }

    @Test
    void infoNamesReferrersAndUnknownPathsAreNotFound() throws Exception {
        StorePath lib = path('f', "lib");
        StorePath app = path('g', "app");
        push(lib, "lib");
        push(app, "app", lib);

        PathDetails details = await(admin.info(lib.hash()));
        assertEquals(List.of(app), details.referrers());
        assertTrue(details.lastAccess().isPresent());
        assertEquals(lib, details.narInfo().storePath());
        assertInstanceOf(NotFoundException.class, failure(admin.info(path('h', "nope").hash())));
        assertEquals(List.of(app), await(admin.list("-app", Optional.empty(), 10)));
        assertInstanceOf(InvalidInputException.class, failure(admin.list("", Optional.empty(), 0)));
    }

    static StorePath path(char c, String name) {
        return StorePath.parse(String.valueOf(c).repeat(32) + "-" + name);
    }

    NarInfo push(StorePath path, String text, StorePath... refs) throws Exception {
        byte[] content = text.getBytes(StandardCharsets.UTF_8);
        NixHash hash = new NixHash(MessageDigest.getInstance("SHA-256").digest(content));
        NarFile file = new NarFile(hash, Compression.NONE);
        Path spool = await(store.createSpoolFile());
        Files.write(spool, content);
        await(store.publish(spool, file));
        return await(narInfos.publishing().publish(new NarInfo(path, file, content.length, hash, content.length,
                List.of(refs), null, null, List.of(), null)));
    }

    static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static Throwable failure(java.util.concurrent.CompletionStage<?> stage) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(stage));
        Throwable cause = e.getCause();
        return cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null ? cause.getCause() : cause;
    }
}
