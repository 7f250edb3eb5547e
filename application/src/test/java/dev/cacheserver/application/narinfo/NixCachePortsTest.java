package dev.cacheserver.application.narinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.LookUpNarInfo.LookUpNarInfoCommand;
import dev.cacheserver.application.port.in.PublishNarInfo.PublishNarInfoCommand;
import dev.cacheserver.application.port.in.ReadNar.ReadNarCommand;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import dev.cacheserver.domain.error.AuthenticationException;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.error.PermissionDeniedException;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.inmemory.InMemoryNarInfoRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryNarStore;
import dev.cacheserver.domain.port.inmemory.PlainNarContentHasher;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Nix protocol ports decide access themselves, before they touch anything, from the caller's token. */
class NixCachePortsTest {
    static final Hs256Tokens TOKENS = new Hs256Tokens("k".getBytes());
    static final StorePathHash HASH = new StorePathHash("a".repeat(32));
    static final String NAR_NAME = "1" + "a".repeat(51) + ".nar";

    CacheProfile profile;
    NixCachePorts ports;
    final AtomicInteger locates = new AtomicInteger();

    @BeforeEach
    void setUp(@TempDir Path dir) {
        profile = new CacheProfile(new CacheName("main"), false, SecretSigningKey.generate("main-1"),
                URI.create("http://127.0.0.1:1"), 40);
        NarInfoService narInfos = new NarInfoService(profile, new InMemoryNarInfoRepository(), new InMemoryNarStore(dir),
                new PlainNarContentHasher());
        ports = NixCachePorts.create(profile, new AccessPolicy(TOKENS, Clock.systemUTC()), narInfos, file -> {
            locates.incrementAndGet();
            return CompletableFuture.completedFuture(Optional.<NarLocation>empty());
        });
    }

    static Caller token(String cache, Permission permission) {
        return Caller.withToken(TOKENS.issue(new TokenClaims(cache, permission, null, null)));
    }

    @Test
    void aPrivateCacheRefusesAnonymousAndForeignReaders() throws Exception {
        assertInstanceOf(AuthenticationException.class,
                failure(ports.lookUpNarInfo().lookUp(new LookUpNarInfoCommand(Caller.anonymous(), HASH))));
        assertInstanceOf(PermissionDeniedException.class, failure(ports.lookUpNarInfo().lookUp(
                new LookUpNarInfoCommand(token("other", Permission.WRITE), HASH))));
        assertEquals(Optional.empty(), ports.lookUpNarInfo().lookUp(
                new LookUpNarInfoCommand(token("main", Permission.READ), HASH)).toCompletableFuture().get());
        assertThrows(AuthenticationException.class, () -> ports.cacheInfo().nixCacheInfo(Caller.anonymous()));
        assertTrue(ports.cacheInfo().nixCacheInfo(token("main", Permission.READ)).contains("Priority: 40"));
    }

    @Test
    void aPublicCacheLetsAnyoneReadButNotWithABadToken() throws Exception {
        profile.makePublic(true);
        assertEquals(Optional.empty(), ports.lookUpNarInfo().lookUp(
                new LookUpNarInfoCommand(Caller.anonymous(), HASH)).toCompletableFuture().get());
        assertInstanceOf(AuthenticationException.class, failure(ports.lookUpNarInfo().lookUp(
                new LookUpNarInfoCommand(Caller.withToken("not-a-token"), HASH))));
    }

    @Test
    void narReadsAreAuthorisedBeforeTheNameIsLookedAt() throws Exception {
        assertInstanceOf(AuthenticationException.class,
                failure(ports.readNar().read(new ReadNarCommand(Caller.anonymous(), "garbage"))));
        Caller reader = token("main", Permission.READ);
        assertInstanceOf(NotFoundException.class, failure(ports.readNar().read(new ReadNarCommand(reader, "garbage"))));
        assertEquals(0, locates.get());
        var read = ports.readNar().read(new ReadNarCommand(reader, NAR_NAME)).toCompletableFuture().get();
        assertEquals(NarFile.parseFileName(NAR_NAME), read.file());
        assertTrue(read.location().isEmpty());
        assertEquals(1, locates.get());
    }

    @Test
    void uploadsNeedWriteAccessAndArePublishedOnlyWithIt() throws Exception {
        Caller reader = token("main", Permission.READ);
        assertThrows(PermissionDeniedException.class, () -> ports.publishNarInfo().authorizeUpload(reader));
        assertThrows(AuthenticationException.class, () -> ports.authorizeUpload().authorizeUpload(Caller.anonymous()));
        assertInstanceOf(PermissionDeniedException.class, failure(ports.publishNarInfo().publish(
                new PublishNarInfoCommand(reader, HASH, "StorePath: /nix/store/" + HASH.value() + "-x\n"))));
        Caller writer = token("main", Permission.WRITE);
        ports.publishNarInfo().authorizeUpload(writer);
        ports.cacheInfo().authorizeUpload(writer);
    }

    @Test
    void theClusterStatusIsForServerAdmins() {
        assertThrows(PermissionDeniedException.class,
                () -> ports.clusterStatus(null).status(token("main", Permission.ADMIN)));
        NotFoundException none = assertThrows(NotFoundException.class,
                () -> ports.clusterStatus(null).status(token(AccessPolicy.ANY_CACHE, Permission.ADMIN)));
        assertEquals("cluster fallback is not configured for this cache", none.getMessage());
    }

    private static Throwable failure(CompletionStage<?> stage) throws Exception {
        try {
            stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the stage succeeded");
    }
}
