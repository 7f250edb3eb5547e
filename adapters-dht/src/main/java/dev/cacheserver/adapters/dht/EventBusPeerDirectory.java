package dev.cacheserver.adapters.dht;

import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.PeerDirectory;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The {@link PeerDirectory} other verticles use: requests go over the event bus to the single {@link DhtVerticle}.
 * A lookup that gets no answer in time (the verticle is busy or gone) finds nothing rather than failing, so a
 * miss is answered promptly whatever the DHT does.
 */
public final class EventBusPeerDirectory implements PeerDirectory {
    private final Vertx vertx;
    private final DeliveryOptions lookupOptions;
    private final DeliveryOptions controlOptions = new DeliveryOptions().setSendTimeout(5_000);

    /** {@code lookupTimeout} should be a little above the verticle's own lookup bound. */
    public EventBusPeerDirectory(Vertx vertx, Duration lookupTimeout) {
        this.vertx = vertx;
        this.lookupOptions = new DeliveryOptions().setSendTimeout(Math.max(1, lookupTimeout.toMillis()));
    }

    @Override
    public CompletionStage<Void> announce(Provider self, Collection<StorePathHash> hashes) {
        return vertx.eventBus().request(DhtAddresses.ANNOUNCE, ProviderJson.announcement(self, hashes), controlOptions)
                .<Void>mapEmpty().toCompletionStage();
    }

    @Override
    public CompletionStage<Void> withdraw(Provider self, Collection<StorePathHash> hashes) {
        return vertx.eventBus().request(DhtAddresses.WITHDRAW, ProviderJson.announcement(self, hashes), controlOptions)
                .<Void>mapEmpty().toCompletionStage();
    }

    @Override
    public CompletionStage<List<Provider>> findProviders(StorePathHash hash) {
        return vertx.eventBus().<JsonArray>request(DhtAddresses.FIND, hash.value(), lookupOptions)
                .map(reply -> ProviderJson.providers(reply.body()))
                .otherwise(failure -> List.of())
                .toCompletionStage();
    }

    @Override
    public CompletionStage<DirectoryStatus> status() {
        return vertx.eventBus().<JsonObject>request(DhtAddresses.STATUS, "", controlOptions)
                .map(reply -> ProviderJson.status(reply.body()))
                .otherwise(failure -> DirectoryStatus.standalone("the DHT verticle does not answer: "
                        + failure.getMessage()))
                .toCompletionStage();
    }
}
