package dev.cacheserver.bootstrap.config;

/** The placement strategies and their YAML spellings. */
public enum StorageStrategyName {
    ROUND_ROBIN("round-robin"), IN_ORDER("in-order"), SPLIT("split"), LEAST_USED("least-used");

    private final String yaml;

    StorageStrategyName(String yaml) {
        this.yaml = yaml;
    }

    public String yaml() {
        return yaml;
    }
}
