package dev.cacheserver.application.cachix;

import dev.cacheserver.application.AccessPolicy;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.error.AuthenticationException;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.PermissionDeniedException;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.CacheKeyRepository;
import dev.cacheserver.domain.port.NarInfoRepository;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The read side of the Cachix API: what a cache is ({@code GET /api/v1/cache/{name}}), which store paths it
 * lacks (bulk, one repository query per call) and single narinfos. Thread-safe; never blocks.
 */
public final class CachixCatalog {
    /** The most hashes one bulk query may hold; the client sends at most 32768 per call. */
    public static final int MAX_BULK_HASHES = 65_536;
    private final CachixCaches caches;
    private final AccessPolicy access;
    private final NarInfoRepository narInfos;
    private final CacheKeyRepository keys;

    public CachixCatalog(CachixCaches caches, AccessPolicy access, NarInfoRepository narInfos, CacheKeyRepository keys) {
        this.caches = caches;
        this.access = access;
        this.narInfos = narInfos;
        this.keys = keys;
    }

    /**
     * The cache's description with the caller's permission. A private cache the caller may not read is
     * AuthenticationException (401), the answer the client turns into "doesn't exist or you don't have access".
     */
    public CompletionStage<BinaryCacheInfo> describe(String cacheName, Optional<String> token) {
        CachixCache cache;
        Permission permission;
        try {
            cache = caches.find(cacheName);
            try {
                permission = access.permissionOn(cache.profile(), token);
            } catch (PermissionDeniedException e) {
                throw new AuthenticationException(e.getMessage());
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return keys.keys(cache.profile().name()).thenApply(registered -> {
            List<String> publicKeys = new ArrayList<>();
            // Every active key, current first: `cachix use` writes them all into trusted-public-keys.
            cache.profile().signingKeys().publicKeys().forEach(k -> publicKeys.add(k.toString()));
            registered.forEach(k -> publicKeys.add(k.toString()));
            String uri = cache.profile().publicUrl().toString();
            return new BinaryCacheInfo(cache.profile().name().value(), uri.endsWith("/") ? uri.substring(0, uri.length() - 1)
                    : uri, cache.profile().isPublic(), publicKeys, permission, cache.preferred());
        });
    }

    /** The hashes among {@code hashes} that have no narinfo in the cache, each once. */
    public CompletionStage<List<String>> missing(String cacheName, Optional<String> token, List<String> hashes) {
        CachixCache cache;
        Set<StorePathHash> asked = new LinkedHashSet<>();
        try {
            cache = caches.find(cacheName);
            access.check(cache.profile(), Permission.READ, token);
            if (hashes.size() > MAX_BULK_HASHES) {
                throw new InvalidInputException("at most " + MAX_BULK_HASHES + " hashes per request");
            }
            for (String hash : hashes) {
                asked.add(new StorePathHash(hash));
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return narInfos.findMissing(cache.profile().name(), asked)
                .thenApply(missing -> asked.stream().filter(missing::contains).map(StorePathHash::value).toList());
    }

    /** The signed narinfo text of one path, as the cache's own port serves it. */
    public CompletionStage<Optional<byte[]>> narInfo(String cacheName, Optional<String> token, StorePathHash hash) {
        CachixCache cache = caches.find(cacheName);
        access.check(cache.profile(), Permission.READ, token);
        return cache.narInfos().serving().lookup(hash);
    }

    /** Checks read access and returns the cache, for routes that only redirect or describe. */
    public CachixCache readable(String cacheName, Optional<String> token) {
        CachixCache cache = caches.find(cacheName);
        access.check(cache.profile(), Permission.READ, token);
        return cache;
    }
}
