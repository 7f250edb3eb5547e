package dev.cacheserver.application.deploy;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.MetadataEvents;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** What this replica does when another one sharing the database activates or ends a deployment. */
final class OtherReplicasDeployments implements MetadataEvents.Listener {
    private final BiConsumer<String, UUID> activated;
    private final Consumer<UUID> ended;

    OtherReplicasDeployments(BiConsumer<String, UUID> activated, Consumer<UUID> ended) {
        this.activated = activated;
        this.ended = ended;
    }

    @Override
    public void narInfoChanged(CacheName cache, StorePathHash hash) {
    }

    @Override
    public void deploymentActivated(String agent, UUID deployment) {
        activated.accept(agent, deployment);
    }

    @Override
    public void deploymentEnded(UUID deployment) {
        ended.accept(deployment);
    }
}
