package dev.cacheserver.application.port.in;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The activate call: agent name to store path, in the client's order, and optional rollback scripts per system.
 */
public record ActivateRequest(Map<String, String> agents, Map<String, String> rollbackScripts) {
    public ActivateRequest {
        agents = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(agents, "agents")));
        rollbackScripts = Map.copyOf(rollbackScripts);
    }
}
