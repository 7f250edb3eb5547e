package dev.cacheserver.application.deploy;

import dev.cacheserver.application.port.in.WorkspaceCache;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The configured workspaces and agents: which workspace each agent belongs to, and which cache each workspace
 * deploys from (empty when that cache is not running here, e.g. disabled).
 */
public record DeployTopology(Map<String, String> agentWorkspaces, Map<String, Optional<WorkspaceCache>> workspaceCaches) {
    public DeployTopology {
        agentWorkspaces = Map.copyOf(agentWorkspaces);
        workspaceCaches = Map.copyOf(workspaceCaches);
    }

    public boolean isAgent(String name) {
        return name != null && agentWorkspaces.containsKey(name);
    }

    public boolean isWorkspace(String name) {
        return name != null && workspaceCaches.containsKey(name);
    }

    public Optional<String> workspaceOf(String agent) {
        return Optional.ofNullable(agentWorkspaces.get(agent));
    }

    public Optional<WorkspaceCache> cacheOfAgent(String agent) {
        return workspaceOf(agent).flatMap(ws -> workspaceCaches.getOrDefault(ws, Optional.empty()));
    }

    /**
     * The agent's id in AgentRegistered and in every message: derived from its name, so it stays the same across
     * server restarts and on every node.
     */
    public static UUID agentId(String agent) {
        return UUID.nameUUIDFromBytes(("cache-server deploy agent " + agent).getBytes(StandardCharsets.UTF_8));
    }
}
