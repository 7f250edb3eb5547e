package dev.cacheserver.domain.port;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.signing.PublicSigningKey;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Public keys registered for self-signed caches ({@code cachix generate-keypair}): narinfos pushed with a
 * client signature ({@code cSig}) must verify against one of them. Non-blocking; durable when a stage
 * completes. Failures are {@link dev.cacheserver.domain.error.StorageException}.
 */
public interface CacheKeyRepository {

    /** Registers {@code key} for {@code cache}; registering the same key (name and bytes) again changes nothing. */
    CompletionStage<Void> register(CacheName cache, PublicSigningKey key);

    /** The keys of {@code cache}, in registration order. */
    CompletionStage<List<PublicSigningKey>> keys(CacheName cache);
}
