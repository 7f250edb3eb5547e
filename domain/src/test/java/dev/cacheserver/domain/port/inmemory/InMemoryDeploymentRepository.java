package dev.cacheserver.domain.port.inmemory;

import dev.cacheserver.domain.deploy.Deployment;
import dev.cacheserver.domain.deploy.DeploymentStatus;
import dev.cacheserver.domain.deploy.LogLine;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.port.DeploymentRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@link DeploymentRepository} in memory, for unit tests; thread-safe, stages complete immediately. */
public final class InMemoryDeploymentRepository implements DeploymentRepository {
    private final Map<UUID, Deployment> deployments = new HashMap<>();
    private final Map<UUID, List<LogLine>> logs = new HashMap<>();

    @Override
    public synchronized CompletionStage<Deployment> create(UUID id, String agent, StorePath storePath,
                                                           Map<String, String> rollbackScripts, Instant createdOn,
                                                           Long closureSize) {
        if (deployments.containsKey(id)) {
            return CompletableFuture.failedFuture(new IllegalStateException("deployment " + id + " exists"));
        }
        long index = 1 + deployments.values().stream().filter(d -> d.agent().equals(agent))
                .mapToLong(Deployment::index).max().orElse(0);
        Deployment created = Deployment.pending(id, agent, index, storePath, rollbackScripts, createdOn, closureSize);
        deployments.put(id, created);
        return CompletableFuture.completedFuture(created);
    }

    @Override
    public synchronized CompletionStage<Void> update(Deployment deployment) {
        Deployment known = deployments.get(deployment.id());
        if (known == null) {
            return CompletableFuture.failedFuture(new NotFoundException("no deployment " + deployment.id()));
        }
        deployments.put(deployment.id(), new Deployment(known.id(), known.agent(), known.index(), known.storePath(),
                known.rollbackScripts(), deployment.status(), known.createdOn(), deployment.startedOn(),
                deployment.finishedOn(), deployment.closureSize()));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Optional<Deployment>> find(UUID id) {
        return CompletableFuture.completedFuture(Optional.ofNullable(deployments.get(id)));
    }

    @Override
    public synchronized CompletionStage<List<Deployment>> findByAgent(String agent, DeploymentStatus status) {
        return CompletableFuture.completedFuture(deployments.values().stream()
                .filter(d -> d.agent().equals(agent) && d.status() == status)
                .sorted(Comparator.comparingLong(Deployment::index)).toList());
    }

    @Override
    public synchronized CompletionStage<Void> appendLog(UUID deployment, List<LogLine> lines) {
        if (!deployments.containsKey(deployment)) {
            return CompletableFuture.failedFuture(new NotFoundException("no deployment " + deployment));
        }
        logs.computeIfAbsent(deployment, id -> new ArrayList<>()).addAll(lines);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<List<LogLine>> log(UUID deployment) {
        return CompletableFuture.completedFuture(List.copyOf(logs.getOrDefault(deployment, List.of())));
    }
}
