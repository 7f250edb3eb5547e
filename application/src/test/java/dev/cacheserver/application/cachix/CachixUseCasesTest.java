package dev.cacheserver.application.cachix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.DescribeCachixCache.DescribeCacheCommand;
import dev.cacheserver.application.port.in.FindMissingPaths;
import dev.cacheserver.application.port.in.FindMissingPaths.FindMissingPathsCommand;
import dev.cacheserver.application.port.in.ManagePins.PinCommand;
import dev.cacheserver.application.port.in.QueryOriginalDht.DhtGetCommand;
import dev.cacheserver.application.port.in.QueryOriginalDht.DhtPutCommand;
import dev.cacheserver.application.port.in.ReadCachixPaths.CachixPathCommand;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import dev.cacheserver.domain.error.AuthenticationException;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.error.NotSupportedException;
import dev.cacheserver.domain.error.PermissionDeniedException;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.port.inmemory.InMemoryCacheKeyRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryNarInfoRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryNarStore;
import dev.cacheserver.domain.port.inmemory.InMemoryPinRepository;
import dev.cacheserver.domain.port.inmemory.PlainNarContentHasher;
import dev.cacheserver.domain.signing.SecretSigningKey;
import dev.cacheserver.domain.signing.SigningKeys;
import dev.cacheserver.domain.upload.Pin;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Cachix ports decide access from the caller's token alone, for a public cache {@code main} and a private
 * cache {@code team}: the HTTP adapter only hands the token over.
 */
class CachixUseCasesTest {
    private static final Hs256Tokens TOKENS = new Hs256Tokens("k".getBytes());
    private static final String HASH = "n974jrpgibg7ajmbc35p71w16qq7hd9w";
    @TempDir
    Path dir;
    private CachixUseCases cachix;

    @BeforeEach
    void caches() {
        InMemoryNarInfoRepository narInfos = new InMemoryNarInfoRepository();
        CachixCaches caches = new CachixCaches(List.of(cache("main", true, narInfos), cache("team", false, narInfos)));
        Clock clock = Clock.systemUTC();
        cachix = new CachixUseCases(caches, new AccessPolicy(TOKENS, clock), narInfos, new InMemoryCacheKeyRepository(),
                new InMemoryPinRepository(), Optional.empty(), clock);
    }

    private CachixCache cache(String name, boolean isPublic, InMemoryNarInfoRepository narInfos) {
        CacheProfile profile = new CacheProfile(new CacheName(name), isPublic,
                new SigningKeys(List.of(SecretSigningKey.generate(name + ".example.org-1")), List.of()),
                URI.create("http://" + name + ".example.org/"), 30);
        InMemoryNarStore store = new InMemoryNarStore(dir);
        return new CachixCache(profile, new NarInfoService(profile, narInfos, store, new PlainNarContentHasher(),
                Clock.systemUTC()), store, Compression.ZSTD);
    }

    private static Caller token(String subject, Permission permission) {
        return Caller.withToken(TOKENS.issue(new TokenClaims(subject, permission, null, null)));
    }

    private static <T> T done(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletionStage<?> stage) {
        return assertThrows(ExecutionException.class, () -> done(stage)).getCause();
    }

    @Test
    void aPrivateCacheIsDescribedOnlyToItsTokens() throws Exception {
        assertEquals(Permission.READ, done(cachix.describe().describe(new DescribeCacheCommand(Caller.anonymous(), "main")))
                .permission());
        assertEquals("http://team.example.org", done(cachix.describe().describe(
                new DescribeCacheCommand(token("team", Permission.WRITE), "team"))).uri());
        assertInstanceOf(AuthenticationException.class,
                failure(cachix.describe().describe(new DescribeCacheCommand(Caller.anonymous(), "team"))));
        assertInstanceOf(AuthenticationException.class, failure(cachix.describe().describe(
                new DescribeCacheCommand(token("main", Permission.WRITE), "team"))), "the client's 'no access' answer");
        assertInstanceOf(NotFoundException.class,
                failure(cachix.describe().describe(new DescribeCacheCommand(Caller.anonymous(), "nope"))));
        assertInstanceOf(AuthenticationException.class,
                failure(cachix.describe().nixCacheInfo(new DescribeCacheCommand(Caller.anonymous(), "team"))));
        assertTrue(done(cachix.describe().nixCacheInfo(new DescribeCacheCommand(Caller.anonymous(), "main")))
                .contains("Priority: 30"));
    }

    @Test
    void pathReadsCheckAccessBeforeTheyLook() throws Exception {
        assertEquals(Optional.empty(), done(cachix.paths().narInfo(new CachixPathCommand(Caller.anonymous(), "main", HASH))));
        assertInstanceOf(AuthenticationException.class,
                failure(cachix.paths().narInfo(new CachixPathCommand(Caller.anonymous(), "team", HASH))));
        String file = "0bp7mbkmk866035wp4yy8nf99pa85sczc2pzh7shim9jv9j53chs.nar.xz";
        assertEquals("http://main.example.org/nar/" + file,
                done(cachix.paths().narUrl(new CachixPathCommand(Caller.anonymous(), "main", file))));
        assertInstanceOf(AuthenticationException.class,
                failure(cachix.paths().narUrl(new CachixPathCommand(Caller.anonymous(), "team", "x"))));
        assertInstanceOf(InvalidInputException.class,
                failure(cachix.paths().narUrl(new CachixPathCommand(Caller.anonymous(), "main", "x"))));
    }

    @Test
    void theBulkQueryNeedsReadAccessAndBoundsItsSize() throws Exception {
        assertEquals(List.of(HASH), done(cachix.missing().missing(
                new FindMissingPathsCommand(token("team", Permission.READ), "team", List.of(HASH, HASH)))));
        assertInstanceOf(PermissionDeniedException.class, failure(cachix.missing().missing(
                new FindMissingPathsCommand(token("main", Permission.READ), "team", List.of(HASH)))));
        assertInstanceOf(InvalidInputException.class, failure(cachix.missing().missing(new FindMissingPathsCommand(
                Caller.anonymous(), "main", Collections.nCopies(FindMissingPaths.MAX_HASHES + 1, HASH)))));
    }

    @Test
    void writesNeedAWriteTokenForTheCache() throws Exception {
        String key = java.util.Base64.getEncoder().encodeToString(SecretSigningKey.generate("x").publicKey().raw());
        assertInstanceOf(PermissionDeniedException.class, failure(cachix.keys().register(
                new dev.cacheserver.application.port.in.RegisterSigningKey.RegisterSigningKeyCommand(
                        token("main", Permission.READ), "main", key))));
        assertEquals("main.example.org-2", done(cachix.keys().register(
                new dev.cacheserver.application.port.in.RegisterSigningKey.RegisterSigningKeyCommand(
                        token("main", Permission.WRITE), "main", key))).name());
        PinCommand pin = new PinCommand(token("main", Permission.READ), "main", "release",
                "/nix/store/" + HASH + "-x", null, new Pin.Keep(Pin.Keep.Kind.NONE, 0));
        assertInstanceOf(PermissionDeniedException.class, failure(cachix.pins().pin(pin)));
        assertInstanceOf(InvalidInputException.class, failure(cachix.pins().pin(new PinCommand(
                token("main", Permission.WRITE), "main", "release", "/nix/store/" + HASH + "-x", null, pin.keep()))),
                "the path is not in the cache");
    }

    @Test
    void credentialsAndTheOriginalDhtCalls() throws Exception {
        cachix.credentials().authenticate(Caller.anonymous(), true);
        assertThrows(AuthenticationException.class, () -> cachix.credentials().authenticate(Caller.anonymous(), false));
        assertThrows(AuthenticationException.class, () -> cachix.credentials().authenticate(Caller.withToken("x.y.z"), true));

        assertEquals(Optional.empty(), done(cachix.dht().get(new DhtGetCommand(Caller.anonymous(), HASH))), "standalone");
        assertThrows(PermissionDeniedException.class, () -> cachix.dht().authorizePut(token("main", Permission.WRITE)));
        assertInstanceOf(InvalidInputException.class,
                failure(cachix.dht().put(new DhtPutCommand(token("*", Permission.ADMIN), null, "v"))));
        assertInstanceOf(NotSupportedException.class,
                failure(cachix.dht().put(new DhtPutCommand(token("*", Permission.ADMIN), "k", "v"))));
    }
}
