package dev.cacheserver.application.cachix;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.port.in.RegisterSigningKey;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.port.CacheKeyRepository;
import dev.cacheserver.domain.signing.PublicSigningKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Registers the public key of a self-signed cache ({@code cachix generate-keypair}, a write token). The key
 * gets a Nix key name derived from the cache's current key name ({@code main.example.org-1} gives
 * {@code main.example.org-2}, ...), never equal to the name of any of the cache's keys, so a client signature and
 * the server's signatures can sit side by side on a narinfo. Registering the same key again returns it unchanged.
 */
final class SigningKeyRegistry implements RegisterSigningKey {
    private final CachixCaches caches;
    private final AccessPolicy access;
    private final CacheKeyRepository keys;

    SigningKeyRegistry(CachixCaches caches, AccessPolicy access, CacheKeyRepository keys) {
        this.caches = caches;
        this.access = access;
        this.keys = keys;
    }

    @Override
    public CompletionStage<PublicSigningKey> register(RegisterSigningKeyCommand command) {
        String publicKeyBase64 = command.publicKeyBase64();
        CachixCache cache;
        byte[] raw;
        try {
            cache = caches.find(command.cacheName());
            access.check(cache.profile(), Permission.WRITE, command.caller().token());
            try {
                raw = Base64.getDecoder().decode(publicKeyBase64 == null ? "" : publicKeyBase64.strip());
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("publicKey is not base64");
            }
            if (raw.length != 32) {
                throw new InvalidInputException("publicKey must be a 32-byte Ed25519 public key in base64");
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        String own = cache.profile().signingKey().name();
        List<String> ownNames = cache.profile().signingKeys().active().stream().map(k -> k.name()).toList();
        return keys.keys(cache.profile().name()).thenCompose(registered -> {
            for (PublicSigningKey k : registered) {
                if (Arrays.equals(k.raw(), raw)) {
                    return CompletableFuture.completedFuture(k);
                }
            }
            Set<String> taken = new HashSet<>();
            taken.addAll(ownNames);
            registered.forEach(k -> taken.add(k.name()));
            String base = own.replaceFirst("-\\d+$", "");
            int n = 2;
            while (taken.contains(base + "-" + n)) {
                n++;
            }
            PublicSigningKey key = new PublicSigningKey(base + "-" + n, raw);
            return keys.register(cache.profile().name(), key).thenApply(v -> key);
        });
    }
}
