package dev.cacheserver.bootstrap.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The whole validated configuration; {@code source} is the file it came from, empty for the embedded default;
 * {@code upstreams} the upstream caches of each cache.
 */
public record AppConfig(ServerSettings server, List<CacheSettings> caches, List<WorkspaceSettings> workspaces,
                        List<AgentSettings> agents, Optional<Path> source, UpstreamConfig upstreams) {
    public AppConfig {
        caches = List.copyOf(caches);
        workspaces = List.copyOf(workspaces);
        agents = List.copyOf(agents);
    }

    /** A configuration without upstream caches. */
    public AppConfig(ServerSettings server, List<CacheSettings> caches, List<WorkspaceSettings> workspaces,
                     List<AgentSettings> agents, Optional<Path> source) {
        this(server, caches, workspaces, agents, source, UpstreamConfig.NONE);
    }
}
