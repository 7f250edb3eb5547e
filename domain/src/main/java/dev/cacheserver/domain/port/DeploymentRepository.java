package dev.cacheserver.domain.port;

import dev.cacheserver.domain.deploy.Deployment;
import dev.cacheserver.domain.deploy.DeploymentStatus;
import dev.cacheserver.domain.deploy.LogLine;
import dev.cacheserver.domain.model.StorePath;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Durable Cachix Deploy state: deployments and their log lines. Non-blocking; durable when a stage completes;
 * stages may complete on any thread. Failures are {@link dev.cacheserver.domain.error.StorageException}.
 */
public interface DeploymentRepository {

    /**
     * Creates a Pending deployment for {@code agent} with the agent's next index: 1 for its first deployment,
     * else one more than its highest so far, assigned atomically even when two activations race.
     */
    CompletionStage<Deployment> create(UUID id, String agent, StorePath storePath, Map<String, String> rollbackScripts,
                                       Instant createdOn, Long closureSize);

    /**
     * Stores the status, times and closure size of an existing deployment (the other fields never change).
     * Fails with {@link dev.cacheserver.domain.error.NotFoundException} when there is no such deployment.
     */
    CompletionStage<Void> update(Deployment deployment);

    CompletionStage<Optional<Deployment>> find(UUID id);

    /** The agent's deployments in {@code status}, lowest index first. */
    CompletionStage<List<Deployment>> findByAgent(String agent, DeploymentStatus status);

    /**
     * Appends {@code lines}, in order, after the deployment's earlier lines. Lines of an unknown deployment
     * fail with {@link dev.cacheserver.domain.error.NotFoundException}.
     */
    CompletionStage<Void> appendLog(UUID deployment, List<LogLine> lines);

    /** Every line of the deployment in the order appended; empty for an unknown deployment. */
    CompletionStage<List<LogLine>> log(UUID deployment);
}
