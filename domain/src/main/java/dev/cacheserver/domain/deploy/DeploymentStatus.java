package dev.cacheserver.domain.deploy;

/**
 * Where a deployment is in its life: {@code PENDING → IN_PROGRESS → SUCCEEDED | FAILED}, or {@code PENDING →
 * CANCELLED} when a newer activation for the same agent supersedes it before it started. The wire names are
 * the Cachix API's ({@code "InProgress"}, ...).
 */
public enum DeploymentStatus {
    PENDING("Pending"), IN_PROGRESS("InProgress"), SUCCEEDED("Succeeded"), FAILED("Failed"), CANCELLED("Cancelled");

    private final String wireName;

    DeploymentStatus(String wireName) {
        this.wireName = wireName;
    }

    /** The spelling in the deployment status document. */
    public String wireName() {
        return wireName;
    }

    /** Succeeded, Failed and Cancelled are final: the activate client stops polling there. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    public static DeploymentStatus fromWireName(String name) {
        for (DeploymentStatus s : values()) {
            if (s.wireName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown deployment status " + name);
    }
}
