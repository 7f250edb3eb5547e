package dev.cacheserver.application.deploy;

import dev.cacheserver.application.port.in.AgentLink;
import dev.cacheserver.domain.deploy.Deployment;
import dev.cacheserver.domain.deploy.DeploymentStatus;
import dev.cacheserver.domain.port.DeploymentRepository;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The connected agents and what goes out to them. An agent gets its newest Pending deployment when it connects
 * and whenever one of its deployments finishes: the agent runs one deployment at a time and drops a second one
 * silently, "relying on the backend to reschedule". Thread-safe; never blocks.
 */
final class AgentDispatch {
    private static final System.Logger LOG = System.getLogger(AgentDispatch.class.getName());
    private final DeploymentRepository repository;
    private final Map<String, AgentLink> agents = new ConcurrentHashMap<>();

    AgentDispatch(DeploymentRepository repository) {
        this.repository = repository;
    }

    void connected(String agent, AgentLink link) {
        agents.put(agent, link);
        dispatchPending(agent);
    }

    void disconnected(String agent, AgentLink link) {
        agents.remove(agent, link);
    }

    boolean isConnected(String agent) {
        return agents.containsKey(agent);
    }

    /** Sends {@code deployment} to its agent if that agent is connected and the deployment still Pending. */
    void send(Deployment deployment) {
        AgentLink link = agents.get(deployment.agent());
        if (link != null && deployment.status() == DeploymentStatus.PENDING) {
            link.send(deployment, deployment.rollbackScriptFor(link.system()));
        }
    }

    /**
     * Another replica activated {@code deployment} for {@code agent}: sends it if the agent is connected here and
     * the deployment is still Pending (read back from the shared database).
     */
    void activatedElsewhere(String agent, UUID deployment) {
        if (!isConnected(agent)) {
            return;
        }
        repository.find(deployment).whenComplete((found, failure) -> {
            if (failure != null) {
                LOG.log(System.Logger.Level.WARNING, "cannot read deployment " + deployment + " activated elsewhere",
                        failure);
            } else {
                found.filter(d -> d.agent().equals(agent)).ifPresent(this::send);
            }
        });
    }

    /**
     * The deployment process still holds the agent's lock for a moment after reporting; a deployment sent before
     * it exits would be dropped. So the next one goes out {@code delay} later.
     */
    void dispatchPendingAfter(String agent, Duration delay) {
        CompletableFuture.runAsync(() -> dispatchPending(agent),
                CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));
    }

    private void dispatchPending(String agent) {
        repository.findByAgent(agent, DeploymentStatus.PENDING).whenComplete((pending, failure) -> {
            if (failure != null) {
                LOG.log(System.Logger.Level.WARNING, "cannot read the pending deployments of agent " + agent, failure);
            } else if (!pending.isEmpty()) {
                send(pending.get(pending.size() - 1));
            }
        });
    }
}
