package dev.cacheserver.application.deploy;

import dev.cacheserver.application.port.in.AgentInformation;
import dev.cacheserver.application.port.in.AgentLink;
import dev.cacheserver.application.port.in.ConnectAgent;
import dev.cacheserver.application.port.in.DeployAgent;
import dev.cacheserver.application.port.in.ReportDeployment;
import dev.cacheserver.domain.deploy.Deployment;
import dev.cacheserver.domain.deploy.LogLine;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/** An agent's sockets: its token checked once, when a socket opens, then its connection and its reports. */
final class AgentSessions implements ConnectAgent, ReportDeployment {
    private final DeployAccess access;
    private final DeployService service;

    AgentSessions(DeployAccess access, DeployService service) {
        this.access = access;
        this.service = service;
    }

    @Override
    public DeployAgent authenticate(ConnectAgentCommand command) {
        return new DeployAgent(access.agent(command.caller().token(), command.name()));
    }

    @Override
    public AgentInformation registration(DeployAgent agent) {
        return service.registration(agent.name());
    }

    @Override
    public void connected(DeployAgent agent, AgentLink link) {
        service.agentConnected(agent.name(), link);
    }

    @Override
    public void disconnected(DeployAgent agent, AgentLink link) {
        service.agentDisconnected(agent.name(), link);
    }

    @Override
    public CompletionStage<Deployment> started(DeployAgent agent, UUID deployment, Instant at, OptionalLong closureSize) {
        return service.started(agent.name(), deployment, at, closureSize);
    }

    @Override
    public CompletionStage<Deployment> finished(DeployAgent agent, UUID deployment, Instant at, boolean succeeded) {
        return service.finished(agent.name(), deployment, at, succeeded);
    }

    @Override
    public CompletionStage<Deployment> openLog(DeployAgent agent, UUID deployment) {
        return service.owned(deployment, agent.name());
    }

    @Override
    public void log(UUID deployment, LogLine line) {
        service.log(deployment, line);
    }

    @Override
    public CompletionStage<Void> drain() {
        return service.drain();
    }
}
