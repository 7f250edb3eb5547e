package dev.cacheserver.adapters.dht;

import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.PeerDirectory;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The directory of a node without a cluster: announces nothing, finds nothing, says why in its status. */
public final class StandalonePeerDirectory implements PeerDirectory {
    private final String reason;

    public StandalonePeerDirectory(String reason) {
        this.reason = reason;
    }

    @Override
    public CompletionStage<Void> announce(Provider self, Collection<StorePathHash> hashes) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> withdraw(Provider self, Collection<StorePathHash> hashes) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<List<Provider>> findProviders(StorePathHash hash) {
        return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<DirectoryStatus> status() {
        return CompletableFuture.completedFuture(DirectoryStatus.standalone(reason));
    }
}
