package dev.cacheserver.domain.deploy;

import dev.cacheserver.domain.model.StorePath;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * One activation of a store path on one agent, and its state machine. {@code index} counts the agent's
 * deployments from 1. {@code rollbackScripts} maps a system ({@code x86_64-linux}) to a rollback script store
 * path; the agent's {@code system} picks one when it is sent. Transitions return a new value; an event that
 * does not apply in the current state (a late DeploymentStarted after the end, a second DeploymentFinished)
 * returns this deployment unchanged, because agents repeat messages after reconnecting.
 */
public record Deployment(UUID id, String agent, long index, StorePath storePath, Map<String, String> rollbackScripts,
                         DeploymentStatus status, Instant createdOn, Instant startedOn, Instant finishedOn,
                         Long closureSize) {

    public Deployment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(storePath, "storePath");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdOn, "createdOn");
        rollbackScripts = Map.copyOf(rollbackScripts);
        if (index < 1) {
            throw new IllegalArgumentException("deployment indexes start at 1");
        }
        if (closureSize != null && closureSize < 0) {
            throw new IllegalArgumentException("closure size must not be negative");
        }
    }

    /** A new Pending deployment. */
    public static Deployment pending(UUID id, String agent, long index, StorePath storePath,
                                     Map<String, String> rollbackScripts, Instant createdOn, Long closureSize) {
        return new Deployment(id, agent, index, storePath, rollbackScripts, DeploymentStatus.PENDING, createdOn, null,
                null, closureSize);
    }

    /**
     * DeploymentStarted: Pending becomes InProgress at {@code at}. The agent sends it twice, the second time
     * with the closure size; a size already known (from the cache's narinfos) is kept.
     */
    public Deployment started(Instant at, OptionalLong reportedClosureSize) {
        if (status.isTerminal()) {
            return this;
        }
        Long size = closureSize;
        if (size == null && reportedClosureSize.isPresent()) {
            size = reportedClosureSize.getAsLong();
        }
        Instant start = startedOn != null ? startedOn : at;
        return new Deployment(id, agent, index, storePath, rollbackScripts, DeploymentStatus.IN_PROGRESS, createdOn,
                start, null, size);
    }

    /** DeploymentFinished: Succeeded or Failed at {@code at}, from Pending or InProgress. */
    public Deployment finished(Instant at, boolean succeeded) {
        if (status.isTerminal()) {
            return this;
        }
        return new Deployment(id, agent, index, storePath, rollbackScripts,
                succeeded ? DeploymentStatus.SUCCEEDED : DeploymentStatus.FAILED, createdOn, startedOn, at, closureSize);
    }

    /** Superseded before it started: Pending becomes Cancelled; any other state is kept. */
    public Deployment cancelled(Instant at) {
        if (status != DeploymentStatus.PENDING) {
            return this;
        }
        return new Deployment(id, agent, index, storePath, rollbackScripts, DeploymentStatus.CANCELLED, createdOn,
                null, at, closureSize);
    }

    /** The rollback script for an agent of {@code system}, if the activation gave one. */
    public Optional<String> rollbackScriptFor(String system) {
        return Optional.ofNullable(system == null ? null : rollbackScripts.get(system));
    }

    public Optional<Instant> started() {
        return Optional.ofNullable(startedOn);
    }

    public Optional<Instant> finished() {
        return Optional.ofNullable(finishedOn);
    }

    public OptionalLong closure() {
        return closureSize == null ? OptionalLong.empty() : OptionalLong.of(closureSize);
    }
}
