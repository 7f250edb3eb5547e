package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.deploy.Deployment;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * The activate client following a deployment: its status document and its log. Needs a workspace token (read
 * access) covering the deployment's agent, or an admin token: 401 without a valid token, 403 for another kind of
 * token, NotFoundException (404) for a deployment the caller cannot see. Never blocks.
 */
public interface WatchDeployment {

    /** The deployment, for the status document (and as the check before a viewer's socket opens). */
    CompletionStage<Deployment> status(DeploymentCommand command);

    /**
     * Streams the log of a deployment {@link #status} returned to {@code viewer}: earlier lines first, then live
     * ones; the viewer is closed after the final line or when the deployment ends.
     */
    CompletionStage<Void> watch(Deployment deployment, LogViewer viewer);

    void unwatch(UUID deployment, LogViewer viewer);

    /**
     * {@code deployment}: the id as the client wrote it; one that is not a UUID is a deployment nobody can see
     * (404), decided after the token.
     */
    record DeploymentCommand(Caller caller, String deployment) {
        public DeploymentCommand {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(deployment, "deployment");
        }
    }
}
