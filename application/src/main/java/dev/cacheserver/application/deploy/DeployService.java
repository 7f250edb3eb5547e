package dev.cacheserver.application.deploy;

import dev.cacheserver.application.port.in.ActivateRequest;
import dev.cacheserver.application.port.in.AgentInformation;
import dev.cacheserver.application.port.in.AgentLink;
import dev.cacheserver.application.port.in.LogViewer;
import dev.cacheserver.domain.deploy.Deployment;
import dev.cacheserver.domain.deploy.DeploymentStatus;
import dev.cacheserver.domain.deploy.LogLine;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.port.DeploymentRepository;
import dev.cacheserver.domain.port.MetadataEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The Cachix Deploy service behind the deploy ports: activate, hand deployments to connected agents (through
 * {@link AgentDispatch}), record what their deployment processes report, keep and stream the logs. Access is
 * checked by the port implementations before they call it. Thread-safe; nothing blocks.
 *
 * <p>Scheduling policy: an agent gets its newest Pending deployment when it connects and whenever one of its
 * deployments finishes (the agent runs one deployment at a time and drops a second one silently, "relying on
 * the backend to reschedule"); an activation cancels the agent's older deployments that have not started.
 *
 * <p>Replicas sharing one database: an activation is announced through {@link MetadataEvents}, and the replica
 * holding the agent's socket sends it; an agent that misses the announcement gets it when it reconnects.
 */
final class DeployService {
    static final Duration REDISPATCH_DELAY = Duration.ofSeconds(3);
    static final Duration CHANNEL_LINGER = Duration.ofSeconds(60);
    private final DeploymentRepository repository;
    private final ClosureSize closureSize;
    private final DeployTopology topology;
    private final Clock clock;
    private final AgentDispatch dispatch;
    private final MetadataEvents events;
    private final Map<UUID, DeploymentChannel> channels = new ConcurrentHashMap<>();

    DeployService(DeploymentRepository repository, ClosureSize closureSize, DeployTopology topology, Clock clock,
                  MetadataEvents events) {
        this.repository = repository;
        this.closureSize = closureSize;
        this.topology = topology;
        this.clock = clock;
        this.dispatch = new AgentDispatch(repository);
        this.events = events;
        events.subscribe(new OtherReplicasDeployments(dispatch::activatedElsewhere, this::endedElsewhere));
    }

    /** What to send in AgentRegistered to {@code agent} (a configured agent). */
    public AgentInformation registration(String agent) {
        return new AgentInformation(DeployTopology.agentId(agent), topology.cacheOfAgent(agent));
    }

    /** Call after AgentRegistered went out: the agent gets what is pending for it. */
    public void agentConnected(String agent, AgentLink link) {
        dispatch.connected(agent, link);
    }

    /** Forgets {@code link} unless the agent has reconnected on a newer one already. */
    public void agentDisconnected(String agent, AgentLink link) {
        dispatch.disconnected(agent, link);
    }

    public boolean isConnected(String agent) {
        return dispatch.isConnected(agent);
    }

    /**
     * Creates one Pending deployment per requested agent (all or none are accepted: every agent must belong to
     * the granted workspace, every path must be a store path) and sends each to its agent if connected. The
     * result keeps the request's order.
     */
    public CompletionStage<Map<String, Deployment>> activate(WorkspaceGrant grant, ActivateRequest request) {
        if (request.agents().isEmpty()) {
            return CompletableFuture.failedFuture(new InvalidInputException("the deploy spec names no agents"));
        }
        Map<String, StorePath> paths = new LinkedHashMap<>();
        try {
            request.rollbackScripts().values().forEach(StorePath::parse);
            request.agents().forEach((agent, path) -> {
                if (!topology.isAgent(agent) || !grant.covers(topology.workspaceOf(agent).orElseThrow())) {
                    throw new NotFoundException("no agent " + agent + " in this workspace");
                }
                paths.put(agent, StorePath.parse(path));
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        Map<String, Deployment> created = new LinkedHashMap<>();
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (Map.Entry<String, StorePath> entry : paths.entrySet()) {
            chain = chain.thenCompose(previous -> create(entry.getKey(), entry.getValue(), request.rollbackScripts()))
                    .thenAccept(d -> created.put(d.agent(), d));
        }
        return chain.thenApply(done -> {
            for (Deployment deployment : created.values()) {
                dispatch.send(deployment);
                events.deploymentActivated(deployment.agent(), deployment.id());
            }
            return created;
        });
    }

    private CompletionStage<Deployment> create(String agent, StorePath path, Map<String, String> rollbackScripts) {
        Instant now = clock.instant();
        CompletionStage<Optional<Long>> size = topology.cacheOfAgent(agent)
                .map(cache -> closureSize.of(cache.name(), path).exceptionally(e -> Optional.empty()))
                .orElse(CompletableFuture.completedFuture(Optional.empty()));
        return size.thenCompose(known -> repository.create(UUID.randomUUID(), agent, path, rollbackScripts, now,
                        known.orElse(null)))
                .thenCompose(d -> cancelOlderPending(d).thenApply(done -> d));
    }

    private CompletionStage<Void> cancelOlderPending(Deployment newest) {
        return repository.findByAgent(newest.agent(), DeploymentStatus.PENDING).thenCompose(pending -> {
            List<CompletableFuture<Deployment>> cancels = new ArrayList<>();
            for (Deployment older : pending) {
                if (older.index() < newest.index()) {
                    cancels.add(change(older.id(), newest.agent(), d -> d.cancelled(clock.instant())).toCompletableFuture());
                }
            }
            return CompletableFuture.allOf(cancels.toArray(CompletableFuture[]::new));
        });
    }

    /** DeploymentStarted from {@code agent}'s deployment process. */
    public CompletionStage<Deployment> started(String agent, UUID id, Instant at, OptionalLong reportedClosureSize) {
        return change(id, agent, d -> d.started(at, reportedClosureSize));
    }

    /**
     * DeploymentFinished: the status becomes final, viewers are closed once they have every line, and the agent
     * gets its next pending deployment.
     */
    public CompletionStage<Deployment> finished(String agent, UUID id, Instant at, boolean succeeded) {
        return change(id, agent, d -> d.finished(at, succeeded)).thenApply(d -> {
            dispatch.dispatchPendingAfter(agent, REDISPATCH_DELAY);
            return d;
        });
    }

    private CompletionStage<Deployment> change(UUID id, String agent, UnaryOperator<Deployment> transition) {
        DeploymentChannel channel = channel(id);
        return channel.enqueue(() -> owned(id, agent).thenCompose(current -> {
            Deployment next = transition.apply(current);
            if (next.equals(current)) {
                return CompletableFuture.completedFuture(current);
            }
            return repository.update(next).thenApply(done -> next);
        })).thenApply(d -> {
            if (d.status().isTerminal()) {
                channel.end();
                forgetLater(id, channel);
                events.deploymentEnded(id);
            }
            return d;
        });
    }

    /** The deployment {@code id} if it belongs to {@code agent}; NotFoundException otherwise. */
    public CompletionStage<Deployment> owned(UUID id, String agent) {
        return repository.find(id).thenApply(found -> found.filter(d -> d.agent().equals(agent))
                .orElseThrow(() -> new NotFoundException("no deployment " + id + " for agent " + agent)));
    }

    /** A log line from the deployment process (whose ownership was checked when its socket opened). */
    public void log(UUID id, LogLine line) {
        channel(id).append(line);
    }

    /** The deployment, if the grant covers its agent's workspace; NotFoundException otherwise. */
    public CompletionStage<Deployment> status(WorkspaceGrant grant, UUID id) {
        return repository.find(id).thenApply(found -> found
                .filter(d -> topology.workspaceOf(d.agent()).map(grant::covers).orElse(false))
                .orElseThrow(() -> new NotFoundException("no deployment " + id)));
    }

    /**
     * Streams the deployment's log to {@code viewer}: earlier lines first, then live ones; the viewer is closed
     * after the final line or when the deployment ends (at once, after the replay, if it already has).
     */
    public CompletionStage<Void> watch(Deployment deployment, LogViewer viewer) {
        DeploymentChannel channel = channel(deployment.id());
        return channel.watch(viewer, deployment.status().isTerminal()).whenComplete((done, failure) -> {
            if (deployment.status().isTerminal()) {
                forgetLater(deployment.id(), channel);
            }
        });
    }

    public void unwatch(UUID id, LogViewer viewer) {
        DeploymentChannel channel = channels.get(id);
        if (channel != null) {
            channel.unwatch(viewer);
        }
    }

    private void endedElsewhere(UUID id) {
        DeploymentChannel channel = channels.get(id);
        if (channel != null) {
            channel.endedElsewhere();
            forgetLater(id, channel);
        }
    }

    /** Completes when every queued status change and log write is stored; for shutdown. */
    public CompletionStage<Void> drain() {
        return CompletableFuture.allOf(channels.values().stream().map(DeploymentChannel::idle)
                .toArray(CompletableFuture[]::new));
    }

    /**
     * Drops an ended deployment's channel a while later: the final log line races DeploymentFinished (they come
     * on different sockets), and late lines should still be stored in order.
     */
    private void forgetLater(UUID id, DeploymentChannel channel) {
        CompletableFuture.runAsync(() -> {
            if (!channel.hasViewers()) {
                channels.remove(id, channel);
            }
        }, CompletableFuture.delayedExecutor(CHANNEL_LINGER.toMillis(), TimeUnit.MILLISECONDS));
    }

    private DeploymentChannel channel(UUID id) {
        return channels.computeIfAbsent(id, key -> new DeploymentChannel(key, repository));
    }
}
