package dev.cacheserver.application.port.in;

import java.util.Objects;

/**
 * A configured Cachix Deploy agent whose token was checked by {@link ConnectAgent#authenticate}: what an agent's
 * sockets present with each report, since the token is checked once, when the socket opens.
 */
public record DeployAgent(String name) {
    public DeployAgent {
        Objects.requireNonNull(name, "name");
    }
}
