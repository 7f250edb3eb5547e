package dev.cacheserver.application.cachix;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.port.in.BinaryCacheInfo;
import dev.cacheserver.application.port.in.DescribeCachixCache;
import dev.cacheserver.application.port.in.FindMissingPaths;
import dev.cacheserver.application.port.in.ReadCachixPaths;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.error.AuthenticationException;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.PermissionDeniedException;
import dev.cacheserver.domain.model.NarFile;
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
import java.util.function.Supplier;

/**
 * The read side of the Cachix API: what a cache is, which store paths it lacks (bulk, one repository query per
 * call), single narinfos and where its NARs are. Thread-safe; never blocks.
 */
final class CachixCatalog implements DescribeCachixCache, FindMissingPaths, ReadCachixPaths {
    private final CachixCaches caches;
    private final AccessPolicy access;
    private final NarInfoRepository narInfos;
    private final CacheKeyRepository keys;

    CachixCatalog(CachixCaches caches, AccessPolicy access, NarInfoRepository narInfos, CacheKeyRepository keys) {
        this.caches = caches;
        this.access = access;
        this.narInfos = narInfos;
        this.keys = keys;
    }

    @Override
    public CompletionStage<BinaryCacheInfo> describe(DescribeCacheCommand command) {
        CachixCache cache;
        Permission permission;
        try {
            cache = caches.find(command.cacheName());
            try {
                permission = access.permissionOn(cache.profile(), command.caller().token());
            } catch (PermissionDeniedException e) {
                // The client turns 401 into "doesn't exist or you don't have access".
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
                    : uri, cache.profile().isPublic(),
                    publicKeys, permission, cache.preferred());
        });
    }

    @Override
    public CompletionStage<String> nixCacheInfo(DescribeCacheCommand command) {
        return attempt(() -> readable(command.cacheName(), command.caller().token()).profile().nixCacheInfo());
    }

    @Override
    public CompletionStage<List<String>> missing(FindMissingPathsCommand command) {
        CachixCache cache;
        Set<StorePathHash> asked = new LinkedHashSet<>();
        try {
            cache = readable(command.cacheName(), command.caller().token());
            if (command.hashes().size() > MAX_HASHES) {
                throw new InvalidInputException("at most " + MAX_HASHES + " hashes per request");
            }
            for (String hash : command.hashes()) {
                asked.add(new StorePathHash(hash));
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return narInfos.findMissing(cache.profile().name(), asked)
                .thenApply(missing -> asked.stream().filter(missing::contains).map(StorePathHash::value).toList());
    }

    @Override
    public CompletionStage<Optional<byte[]>> narInfo(CachixPathCommand command) {
        try {
            StorePathHash hash = new StorePathHash(command.path());
            CachixCache cache = readable(command.cacheName(), command.caller().token());
            return cache.narInfos().serving().lookup(hash);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletionStage<String> narUrl(CachixPathCommand command) {
        return attempt(() -> {
            CachixCache cache = readable(command.cacheName(), command.caller().token());
            return baseUrl(cache) + "/" + NarFile.parseFileName(command.path()).url();
        });
    }

    private CachixCache readable(String cacheName, Optional<String> token) {
        CachixCache cache = caches.find(cacheName);
        access.check(cache.profile(), Permission.READ, token);
        return cache;
    }

    private static String baseUrl(CachixCache cache) {
        return cache.profile().publicUrl().toString().replaceAll("/+$", "");
    }

    private static <T> CompletionStage<T> attempt(Supplier<T> work) {
        try {
            return CompletableFuture.completedFuture(work.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
