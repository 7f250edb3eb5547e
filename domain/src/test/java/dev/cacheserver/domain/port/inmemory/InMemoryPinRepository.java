package dev.cacheserver.domain.port.inmemory;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.port.PinRepository;
import dev.cacheserver.domain.upload.Pin;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@link PinRepository} in memory, for unit tests; thread-safe, stages complete immediately. */
public final class InMemoryPinRepository implements PinRepository {
    private final List<Pin> pins = new ArrayList<>();

    @Override
    public synchronized CompletionStage<Void> add(Pin pin) {
        pins.add(pin);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<List<Pin>> pins(CacheName cache) {
        return CompletableFuture.completedFuture(pins.stream().filter(p -> p.cache().equals(cache)).toList());
    }
}
