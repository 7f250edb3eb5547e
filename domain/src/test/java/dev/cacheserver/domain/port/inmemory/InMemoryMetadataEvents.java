package dev.cacheserver.domain.port.inmemory;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.MetadataEvents;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Replicas in one JVM: each {@link #replica()} announces to every other replica of the same bus, synchronously,
 * and never to itself, as the database-backed events do across processes.
 */
public final class InMemoryMetadataEvents {
    private final List<Replica> replicas = new CopyOnWriteArrayList<>();

    /** A new process on the bus. */
    public MetadataEvents replica() {
        Replica replica = new Replica();
        replicas.add(replica);
        return replica;
    }

    private final class Replica implements MetadataEvents {
        private final List<Listener> listeners = new CopyOnWriteArrayList<>();

        @Override
        public void narInfoChanged(CacheName cache, StorePathHash hash) {
            for (Replica other : replicas) {
                if (other != this) {
                    other.listeners.forEach(l -> l.narInfoChanged(cache, hash));
                }
            }
        }

        @Override
        public CompletionStage<Void> tokenRevoked() {
            for (Replica other : replicas) {
                if (other != this) {
                    other.listeners.forEach(Listener::tokenRevoked);
                }
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void deploymentActivated(String agent, UUID deployment) {
            for (Replica other : replicas) {
                if (other != this) {
                    other.listeners.forEach(l -> l.deploymentActivated(agent, deployment));
                }
            }
        }

        @Override
        public void deploymentEnded(UUID deployment) {
            for (Replica other : replicas) {
                if (other != this) {
                    other.listeners.forEach(l -> l.deploymentEnded(deployment));
                }
            }
        }

        @Override
        public void subscribe(Listener listener) {
            listeners.add(listener);
        }
    }
}
