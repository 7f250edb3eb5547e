package dev.cacheserver.application.port.in;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * What a cache is, for {@code cachix use} and {@code cachix push}: {@code GET /api/v1/cache/{name}} (name, URL,
 * visibility, every active public key, the caller's permission, the preferred compression) and its
 * {@code nix-cache-info}. A cache that does not exist is NotFoundException (404); a private cache the caller may
 * not read is AuthenticationException (401) for {@link #describe}, the answer the client turns into "doesn't exist
 * or you don't have access". Never blocks.
 */
public interface DescribeCachixCache {

    CompletionStage<BinaryCacheInfo> describe(DescribeCacheCommand command);

    /** The cache's {@code nix-cache-info} text; read access as for any read (401/403 on a private cache). */
    CompletionStage<String> nixCacheInfo(DescribeCacheCommand command);

    /** Which cache, asked by whom. */
    record DescribeCacheCommand(Caller caller, String cacheName) {
        public DescribeCacheCommand {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(cacheName, "cacheName");
        }
    }
}
