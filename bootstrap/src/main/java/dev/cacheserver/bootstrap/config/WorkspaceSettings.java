package dev.cacheserver.bootstrap.config;

/** One entry of {@code workspaces:}: a Cachix Deploy workspace bound to a cache. */
public record WorkspaceSettings(String name, String cache) {
}
