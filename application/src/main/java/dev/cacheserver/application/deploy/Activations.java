package dev.cacheserver.application.deploy;

import dev.cacheserver.application.port.in.ActivateDeployment;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.deploy.Deployment;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code cachix deploy activate}: the workspace token's write grant, then the deployments. */
final class Activations implements ActivateDeployment {
    private final DeployAccess access;
    private final DeployService service;

    Activations(DeployAccess access, DeployService service) {
        this.access = access;
        this.service = service;
    }

    @Override
    public void authorize(Caller caller) {
        access.workspace(caller.token(), Permission.WRITE);
    }

    @Override
    public CompletionStage<Map<String, Deployment>> activate(ActivateDeploymentCommand command) {
        WorkspaceGrant grant;
        try {
            grant = access.workspace(command.caller().token(), Permission.WRITE);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return service.activate(grant, command.request());
    }
}
