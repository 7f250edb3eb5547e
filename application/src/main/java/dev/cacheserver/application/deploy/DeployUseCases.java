package dev.cacheserver.application.deploy;

import dev.cacheserver.application.access.RevocationList;
import dev.cacheserver.application.port.in.ActivateDeployment;
import dev.cacheserver.application.port.in.ConnectAgent;
import dev.cacheserver.application.port.in.ReportDeployment;
import dev.cacheserver.application.port.in.WatchDeployment;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.port.DeploymentRepository;
import dev.cacheserver.domain.port.MetadataEvents;
import dev.cacheserver.domain.port.NarInfoRepository;
import java.time.Clock;

/**
 * Builds the Cachix Deploy use cases for bootstrap to hand to the deploy adapter: one deploy service (which holds
 * the connected agents and the open deployment channels) behind the four ports, each deciding access itself
 * through one {@link DeployAccess}.
 */
public final class DeployUseCases {
    private final AgentSessions agents;
    private final Activations activations;
    private final DeploymentWatch watch;

    /** One server alone on its database: nobody else to tell about activations. */
    public DeployUseCases(DeploymentRepository deployments, NarInfoRepository narInfos, DeployTopology topology,
                          Hs256Tokens tokens, RevocationList revocations, Clock clock) {
        this(deployments, narInfos, topology, tokens, revocations, clock, MetadataEvents.NONE);
    }

    /**
     * {@code revocations}: the server's list of revoked token ids, the one the Cachix API's access policy uses;
     * {@code events}: the replicas sharing the database, so an agent connected to another one gets what is
     * activated here.
     */
    public DeployUseCases(DeploymentRepository deployments, NarInfoRepository narInfos, DeployTopology topology,
                          Hs256Tokens tokens, RevocationList revocations, Clock clock, MetadataEvents events) {
        DeployAccess access = new DeployAccess(tokens, clock, topology, revocations);
        DeployService service = new DeployService(deployments, new ClosureSize(narInfos), topology, clock, events);
        this.agents = new AgentSessions(access, service);
        this.activations = new Activations(access, service);
        this.watch = new DeploymentWatch(access, service);
    }

    public ConnectAgent connectAgent() {
        return agents;
    }

    public ReportDeployment reportDeployment() {
        return agents;
    }

    public ActivateDeployment activate() {
        return activations;
    }

    public WatchDeployment watch() {
        return watch;
    }
}
