package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.deploy.Deployment;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * {@code cachix deploy activate}: one Pending deployment per requested agent, all or none (every agent in the
 * caller's workspace, every path a store path), each sent to its agent if connected; an agent's older
 * deployments that have not started are cancelled. Needs a workspace token with write access or an admin token:
 * AuthenticationException (401) without a valid one, PermissionDeniedException (403) for another kind of token;
 * an unknown agent is NotFoundException (404), a bad path or an empty spec InvalidInputException (400).
 */
public interface ActivateDeployment {

    /** The token check alone, so the adapter can refuse before it reads the body. */
    void authorize(Caller caller);

    /** The created deployments by agent, in the request's order. */
    CompletionStage<Map<String, Deployment>> activate(ActivateDeploymentCommand command);

    record ActivateDeploymentCommand(Caller caller, ActivateRequest request) {
        public ActivateDeploymentCommand {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(request, "request");
        }
    }
}
