package dev.cacheserver.application.port.in;

import java.util.Objects;

/**
 * A Cachix Deploy agent connecting ({@code /ws}, and its deployment process on {@code /ws-deployment}): the
 * agent's own token and a configured agent name are required, else AuthenticationException (401), which the
 * websocket adapter answers by refusing the upgrade. A connected agent gets its newest pending deployment at once
 * and every later one through its {@link AgentLink}. Never blocks.
 */
public interface ConnectAgent {

    /** The agent the caller proved to be; AuthenticationException otherwise. */
    DeployAgent authenticate(ConnectAgentCommand command);

    /** What AgentRegistered tells the agent (its id, the cache to substitute from). */
    AgentInformation registration(DeployAgent agent);

    /** Call after AgentRegistered went out: the agent gets what is pending for it. */
    void connected(DeployAgent agent, AgentLink link);

    /** Forgets {@code link} unless the agent has reconnected on a newer one already. */
    void disconnected(DeployAgent agent, AgentLink link);

    /** {@code name}: the agent's {@code name} header (null when absent). */
    record ConnectAgentCommand(Caller caller, String name) {
        public ConnectAgentCommand {
            Objects.requireNonNull(caller, "caller");
        }
    }
}
