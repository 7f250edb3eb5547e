package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.deploy.Deployment;
import java.util.Optional;

/** A connected agent, as the deploy service sees it: where to send deployments. Implementations never block. */
public interface AgentLink {

    /** The agent's {@code system} header ({@code x86_64-linux}); picks the rollback script. */
    String system();

    /** Sends the Deployment command; a closed link drops it (the agent gets it again when it reconnects). */
    void send(Deployment deployment, Optional<String> rollbackScript);
}
