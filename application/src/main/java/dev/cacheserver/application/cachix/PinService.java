package dev.cacheserver.application.cachix;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.port.in.ManagePins;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.port.PinRepository;
import dev.cacheserver.domain.upload.Pin;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Stores {@code cachix pin} requests (a write token; the path must be in the cache). Retention reads them
 * through {@link PinRepository}.
 */
final class PinService implements ManagePins {
    private final CachixCaches caches;
    private final AccessPolicy access;
    private final PinRepository pins;
    private final Clock clock;

    PinService(CachixCaches caches, AccessPolicy access, PinRepository pins, Clock clock) {
        this.caches = caches;
        this.access = access;
        this.pins = pins;
        this.clock = clock;
    }

    @Override
    public CompletionStage<Pin> pin(PinCommand command) {
        String cacheName = command.cacheName();
        String name = command.name();
        try {
            CachixCache cache = caches.find(cacheName);
            access.check(cache.profile(), Permission.WRITE, command.caller().token());
            if (name == null || name.isBlank() || name.length() > 255) {
                throw new InvalidInputException("pin name must be 1-255 characters");
            }
            StorePath path = StorePath.parse(command.storePath());
            return cache.narInfos().serving().find(path.hash()).thenCompose(stored -> {
                if (stored.isEmpty()) {
                    throw new InvalidInputException(path.fullPath() + " is not in cache " + cacheName + ": push it first");
                }
                Pin pin = new Pin(cache.profile().name(), name, path, command.artifacts(), command.keep(),
                        clock.instant());
                return pins.add(pin).thenApply(v -> pin);
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
