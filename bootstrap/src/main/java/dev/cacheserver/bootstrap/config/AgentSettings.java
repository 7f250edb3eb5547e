package dev.cacheserver.bootstrap.config;

/** One entry of {@code agents:}: a Cachix Deploy agent in a workspace. */
public record AgentSettings(String name, String workspace) {
}
