package dev.cacheserver.adapters.http.deploy;

import dev.cacheserver.application.port.in.AgentLink;
import dev.cacheserver.domain.deploy.Deployment;
import io.vertx.core.http.ServerWebSocket;
import java.util.Optional;
import java.util.UUID;

/** An agent's {@code /ws} socket: the Deployment commands go out here. */
final class AgentSocket implements AgentLink {
    private final ServerWebSocket socket;
    private final UUID agentId;
    private final String system;

    AgentSocket(ServerWebSocket socket, UUID agentId, String system) {
        this.socket = socket;
        this.agentId = agentId;
        this.system = system;
    }

    @Override
    public String system() {
        return system;
    }

    @Override
    public void send(Deployment deployment, Optional<String> rollbackScript) {
        if (!socket.isClosed()) {
            socket.writeTextMessage(DeployJson.deployment(agentId, deployment, rollbackScript));
        }
    }
}
