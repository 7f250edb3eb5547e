package dev.cacheserver.application.cachix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.application.port.in.BinaryCacheInfo;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.DescribeCachixCache.DescribeCacheCommand;
import dev.cacheserver.application.port.in.RegisterSigningKey.RegisterSigningKeyCommand;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.port.inmemory.InMemoryCacheKeyRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryNarInfoRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryNarStore;
import dev.cacheserver.domain.port.inmemory.PlainNarContentHasher;
import dev.cacheserver.domain.signing.PublicSigningKey;
import dev.cacheserver.domain.signing.SecretSigningKey;
import dev.cacheserver.domain.signing.SigningKeys;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Cachix API of a cache during a key rotation: {@code GET /api/v1/cache/NAME} offers every active key, current
 * first (what {@code cachix use} writes into trusted-public-keys), and a client key registered with
 * {@code cachix generate-keypair} gets a name that none of the cache's keys has.
 */
class CachixRotationKeysTest {
    static final SecretSigningKey OLD = SecretSigningKey.generate("main.example.org-1");
    static final SecretSigningKey NEW = SecretSigningKey.generate("main.example.org-2");
    static final Hs256Tokens TOKENS = new Hs256Tokens("k".getBytes());

    @TempDir
    Path dir;

    @Test
    void theCacheOffersEveryActiveKeyCurrentFirstAndAClientKeyGetsAFreeName() throws Exception {
        CacheProfile profile = new CacheProfile(new CacheName("main"), true,
                new SigningKeys(List.of(NEW, OLD), List.of()), URI.create("http://main.example.org"), 30);
        InMemoryNarInfoRepository narInfos = new InMemoryNarInfoRepository();
        InMemoryNarStore store = new InMemoryNarStore(dir);
        CachixCaches caches = new CachixCaches(List.of(new CachixCache(profile,
                new NarInfoService(profile, narInfos, store, new PlainNarContentHasher(), Clock.systemUTC()), store,
                Compression.ZSTD)));
        AccessPolicy access = new AccessPolicy(TOKENS, Clock.systemUTC());
        InMemoryCacheKeyRepository keys = new InMemoryCacheKeyRepository();
        Caller writer = Caller.withToken(TOKENS.issue(new TokenClaims("main", Permission.WRITE, null, null)));

        PublicSigningKey client = new SigningKeyRegistry(caches, access, keys).register(new RegisterSigningKeyCommand(
                writer, "main", Base64.getEncoder().encodeToString(SecretSigningKey.generate("x").publicKey().raw())))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        BinaryCacheInfo info = new CachixCatalog(caches, access, narInfos, keys)
                .describe(new DescribeCacheCommand(Caller.anonymous(), "main"))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertEquals("main.example.org-3", client.name(), "neither of the cache's own key names");
        assertEquals(List.of(NEW.publicKey().toString(), OLD.publicKey().toString(), client.toString()),
                info.publicSigningKeys());
    }
}
