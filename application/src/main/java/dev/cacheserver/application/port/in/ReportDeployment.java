package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.deploy.Deployment;
import dev.cacheserver.domain.deploy.LogLine;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * What an agent's deployment process reports: DeploymentStarted, DeploymentFinished and its log lines. Every
 * deployment named must be the agent's (NotFoundException, 404, otherwise). Status changes and log writes of one
 * deployment are stored in order; viewers get live lines at once. Never blocks.
 */
public interface ReportDeployment {

    CompletionStage<Deployment> started(DeployAgent agent, UUID deployment, Instant at, OptionalLong closureSize);

    /** The status becomes final; the agent gets its next pending deployment a little later. */
    CompletionStage<Deployment> finished(DeployAgent agent, UUID deployment, Instant at, boolean succeeded);

    /** Checks that {@code deployment} is the agent's before its log socket opens. */
    CompletionStage<Deployment> openLog(DeployAgent agent, UUID deployment);

    /** A log line of a deployment whose log was {@link #openLog opened}. */
    void log(UUID deployment, LogLine line);

    /** Completes when every queued status change and log write is stored; for shutdown. */
    CompletionStage<Void> drain();
}
