package dev.cacheserver.application.deploy;

import dev.cacheserver.application.port.in.LogViewer;
import dev.cacheserver.application.port.in.WatchDeployment;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.deploy.Deployment;
import dev.cacheserver.domain.error.NotFoundException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The activate client's reads: a deployment its workspace token covers, and that deployment's log. */
final class DeploymentWatch implements WatchDeployment {
    private final DeployAccess access;
    private final DeployService service;

    DeploymentWatch(DeployAccess access, DeployService service) {
        this.access = access;
        this.service = service;
    }

    @Override
    public CompletionStage<Deployment> status(DeploymentCommand command) {
        WorkspaceGrant grant;
        UUID id;
        try {
            grant = access.workspace(command.caller().token(), Permission.READ);
            id = deploymentId(command.deployment());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return service.status(grant, id);
    }

    @Override
    public CompletionStage<Void> watch(Deployment deployment, LogViewer viewer) {
        return service.watch(deployment, viewer);
    }

    private static UUID deploymentId(String text) {
        try {
            return UUID.fromString(text);
        } catch (RuntimeException e) {
            throw new NotFoundException("no deployment " + text);
        }
    }

    @Override
    public void unwatch(UUID deployment, LogViewer viewer) {
        service.unwatch(deployment, viewer);
    }
}
