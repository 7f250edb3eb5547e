package dev.cacheserver.bootstrap.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the Cachix Deploy sections: {@code workspaces:} (name, cache) and {@code agents:} (name, workspace).
 * Names are unique per section and every reference must name a configured cache or workspace.
 */
final class DeploySectionReader {
    static final List<String> WORKSPACE_KEYS = List.of("name", "cache");
    static final List<String> AGENT_KEYS = List.of("name", "workspace");

    private DeploySectionReader() {
    }

    static List<WorkspaceSettings> workspaces(YamlNode section, List<CacheSettings> caches) {
        List<String> cacheNames = caches.stream().map(CacheSettings::name).toList();
        UniqueNames names = new UniqueNames("workspace");
        List<WorkspaceSettings> workspaces = new ArrayList<>();
        for (YamlNode item : section.list("workspaces")) {
            YamlMap map = item.map(WORKSPACE_KEYS);
            String name = names.add(map.required("name").matching(NameRules.ENTITY, NameRules.ENTITY_RULE),
                    map.get("name"));
            workspaces.add(new WorkspaceSettings(name, reference(map.required("cache"), cacheNames, "cache")));
        }
        return workspaces;
    }

    static List<AgentSettings> agents(YamlNode section, List<WorkspaceSettings> workspaces) {
        List<String> workspaceNames = workspaces.stream().map(WorkspaceSettings::name).toList();
        UniqueNames names = new UniqueNames("agent");
        List<AgentSettings> agents = new ArrayList<>();
        for (YamlNode item : section.list("agents")) {
            YamlMap map = item.map(AGENT_KEYS);
            String name = names.add(map.required("name").matching(NameRules.ENTITY, NameRules.ENTITY_RULE),
                    map.get("name"));
            agents.add(new AgentSettings(name, reference(map.required("workspace"), workspaceNames, "workspace")));
        }
        return agents;
    }

    private static String reference(YamlNode node, List<String> known, String what) {
        String name = node.string();
        if (!known.contains(name)) {
            String allowed = known.isEmpty() ? "(no " + what + "s are configured)" : String.join(", ", known);
            throw node.fail("does not name a configured " + what, allowed);
        }
        return name;
    }
}
