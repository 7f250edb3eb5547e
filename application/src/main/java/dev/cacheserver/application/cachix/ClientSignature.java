package dev.cacheserver.application.cachix;

import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.CacheKeyRepository;
import dev.cacheserver.domain.signing.NarSignature;
import dev.cacheserver.domain.signing.PublicSigningKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@code cSig} of a self-signed cache: kept on the narinfo only when it verifies against a public key the
 * cache registered; otherwise InvalidInputException (400). Thread-safe; never blocks.
 */
final class ClientSignature {
    private final CacheKeyRepository keys;

    ClientSignature(CacheKeyRepository keys) {
        this.keys = keys;
    }

    CompletionStage<NarInfo> apply(CachixCache cache, NarInfo info, Optional<byte[]> signature) {
        if (signature.isEmpty()) {
            return CompletableFuture.completedFuture(info);
        }
        return keys.keys(cache.profile().name()).thenApply(registered -> {
            if (registered.isEmpty()) {
                throw new InvalidInputException("cSig was sent but cache " + cache.profile().name()
                        + " has no registered public key (run cachix generate-keypair)");
            }
            String fingerprint = info.fingerprint();
            for (PublicSigningKey key : registered) {
                NarSignature sig = new NarSignature(key.name(), signature.get());
                if (key.verifies(sig, fingerprint)) {
                    return info.withSignatures(List.of(sig));
                }
            }
            throw new InvalidInputException("cSig does not verify against the public keys registered for cache "
                    + cache.profile().name());
        });
    }
}
