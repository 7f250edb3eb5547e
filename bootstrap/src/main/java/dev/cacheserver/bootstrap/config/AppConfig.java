package dev.cacheserver.bootstrap.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The whole validated configuration; {@code source} is the file it came from, empty for the embedded default. */
public record AppConfig(ServerSettings server, List<CacheSettings> caches, List<WorkspaceSettings> workspaces,
                        List<AgentSettings> agents, Optional<Path> source) {
    public AppConfig {
        caches = List.copyOf(caches);
        workspaces = List.copyOf(workspaces);
        agents = List.copyOf(agents);
    }
}
