package dev.cacheserver.application.cachix;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.QueryOriginalDht;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.NotSupportedException;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.PeerDirectory;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The original server's DHT read and write, answered from this node's peer directory (none when standalone). */
final class OriginalDhtRecords implements QueryOriginalDht {
    private final AccessPolicy access;
    private final Optional<PeerDirectory> peers;

    OriginalDhtRecords(AccessPolicy access, Optional<PeerDirectory> peers) {
        this.access = access;
        this.peers = peers;
    }

    @Override
    public CompletionStage<Optional<List<String>>> get(DhtGetCommand command) {
        if (peers.isEmpty() || command.key() == null || !StorePathHash.isValid(command.key())) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return peers.get().findProviders(new StorePathHash(command.key())).thenApply(providers -> providers.isEmpty()
                ? Optional.empty() : Optional.of(providers.stream().map(p -> p.url().toString()).toList()));
    }

    @Override
    public void authorizePut(Caller caller) {
        access.checkAdmin(caller.token());
    }

    @Override
    public CompletionStage<Void> put(DhtPutCommand command) {
        try {
            access.checkAdmin(command.caller().token());
            if (command.key() == null || command.value() == null) {
                throw new InvalidInputException("key and value are required");
            }
            // A permanent refusal (501, no Retry-After), so no client retries what can never succeed.
            throw new NotSupportedException("this server announces its own store paths; client DHT records are never accepted");
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
