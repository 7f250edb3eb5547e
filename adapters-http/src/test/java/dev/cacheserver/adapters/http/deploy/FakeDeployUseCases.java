package dev.cacheserver.adapters.http.deploy;

import dev.cacheserver.application.port.in.ActivateDeployment;
import dev.cacheserver.application.port.in.AgentInformation;
import dev.cacheserver.application.port.in.AgentLink;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.ConnectAgent;
import dev.cacheserver.application.port.in.DeployAgent;
import dev.cacheserver.application.port.in.LogViewer;
import dev.cacheserver.application.port.in.ReportDeployment;
import dev.cacheserver.application.port.in.WatchDeployment;
import dev.cacheserver.domain.deploy.Deployment;
import dev.cacheserver.domain.deploy.LogLine;
import dev.cacheserver.domain.error.AuthenticationException;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.error.PermissionDeniedException;
import dev.cacheserver.domain.model.StorePath;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Cachix Deploy in memory for the adapter tests: agent {@code web1} with token {@code agent-token}, workspace token
 * {@code ws-token}, any other token is of another kind (403), none is 401. One deployment {@link #KNOWN} exists;
 * its log holds one stored line. {@link #failWith} makes the next activation or status read fail.
 */
final class FakeDeployUseCases implements ConnectAgent, ReportDeployment, ActivateDeployment, WatchDeployment {
    static final UUID KNOWN = UUID.fromString("2f1e7d3c-0000-4000-8000-000000000001");
    static final String PATH = "/nix/store/g8zva6pncl7n3i0l2bsridmag9f8yb8s-nixos-system";
    static final Deployment DEPLOYMENT = Deployment.pending(KNOWN, "web1", 3, StorePath.parse(PATH), Map.of(),
            Instant.parse("2026-06-01T12:00:00Z"), 1024L);

    final List<String> events = new CopyOnWriteArrayList<>();
    final List<AgentLink> links = new CopyOnWriteArrayList<>();
    final List<LogViewer> viewers = new CopyOnWriteArrayList<>();
    private volatile RuntimeException failure;

    void failWith(RuntimeException e) {
        failure = e;
    }

    private <T> CompletionStage<T> answer(T value) {
        RuntimeException e = failure;
        failure = null;
        return e != null ? CompletableFuture.failedFuture(e) : CompletableFuture.completedFuture(value);
    }

    private static void workspaceToken(Caller caller) {
        String token = caller.token().orElseThrow(() -> new AuthenticationException("this request needs a token"));
        if (!token.equals("ws-token")) {
            throw new PermissionDeniedException("this is not a workspace token");
        }
    }

    @Override
    public DeployAgent authenticate(ConnectAgentCommand command) {
        if (!"web1".equals(command.name()) || !command.caller().token().filter("agent-token"::equals).isPresent()) {
            throw new AuthenticationException("the token is not valid for this agent");
        }
        return new DeployAgent("web1");
    }

    @Override
    public AgentInformation registration(DeployAgent agent) {
        return new AgentInformation(UUID.nameUUIDFromBytes(agent.name().getBytes()), Optional.empty());
    }

    @Override
    public void connected(DeployAgent agent, AgentLink link) {
        links.add(link);
        events.add("connected " + agent.name() + " " + link.system());
        link.send(DEPLOYMENT, Optional.empty());
    }

    @Override
    public void disconnected(DeployAgent agent, AgentLink link) {
        events.add("disconnected " + agent.name());
    }

    @Override
    public CompletionStage<Deployment> started(DeployAgent agent, UUID deployment, Instant at, OptionalLong closureSize) {
        events.add("started " + deployment);
        return CompletableFuture.completedFuture(DEPLOYMENT.started(at, closureSize));
    }

    @Override
    public CompletionStage<Deployment> finished(DeployAgent agent, UUID deployment, Instant at, boolean succeeded) {
        events.add("finished " + deployment + " " + succeeded);
        return CompletableFuture.completedFuture(DEPLOYMENT.finished(at, succeeded));
    }

    @Override
    public CompletionStage<Deployment> openLog(DeployAgent agent, UUID deployment) {
        return deployment.equals(KNOWN) ? CompletableFuture.completedFuture(DEPLOYMENT)
                : CompletableFuture.failedFuture(new NotFoundException("no deployment " + deployment + " for agent web1"));
    }

    @Override
    public void log(UUID deployment, LogLine line) {
        events.add("log " + line.line());
    }

    @Override
    public CompletionStage<Void> drain() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void authorize(Caller caller) {
        workspaceToken(caller);
    }

    @Override
    public CompletionStage<Map<String, Deployment>> activate(ActivateDeploymentCommand command) {
        workspaceToken(command.caller());
        if (command.request().agents().isEmpty()) {
            return CompletableFuture.failedFuture(new InvalidInputException("the deploy spec names no agents"));
        }
        Map<String, Deployment> created = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : command.request().agents().entrySet()) {
            if (!e.getKey().equals("web1")) {
                return CompletableFuture.failedFuture(new NotFoundException("no agent " + e.getKey() + " in this workspace"));
            }
            created.put(e.getKey(), DEPLOYMENT);
        }
        return answer(created);
    }

    @Override
    public CompletionStage<Deployment> status(DeploymentCommand command) {
        try {
            workspaceToken(command.caller());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (!command.deployment().equals(KNOWN.toString())) {
            return CompletableFuture.failedFuture(new NotFoundException("no deployment " + command.deployment()));
        }
        return answer(DEPLOYMENT);
    }

    @Override
    public CompletionStage<Void> watch(Deployment deployment, LogViewer viewer) {
        viewers.add(viewer);
        viewer.send(new LogLine("stored line", Instant.parse("2026-06-01T12:00:01Z")));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void unwatch(UUID deployment, LogViewer viewer) {
        viewers.remove(viewer);
    }
}
