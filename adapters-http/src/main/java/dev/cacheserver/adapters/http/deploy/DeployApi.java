package dev.cacheserver.adapters.http.deploy;

import dev.cacheserver.application.port.in.ActivateDeployment;
import dev.cacheserver.application.port.in.ConnectAgent;
import dev.cacheserver.application.port.in.ReportDeployment;
import dev.cacheserver.application.port.in.WatchDeployment;
import java.util.Objects;

/** The Cachix Deploy use cases the deploy port serves. */
public record DeployApi(ConnectAgent agents, ReportDeployment reports, ActivateDeployment activations,
                        WatchDeployment watch) {
    public DeployApi {
        Objects.requireNonNull(agents, "agents");
        Objects.requireNonNull(reports, "reports");
        Objects.requireNonNull(activations, "activations");
        Objects.requireNonNull(watch, "watch");
    }

    /** The REST calls alone, for mounting on another port. */
    public DeployRoutes routes() {
        return new DeployRoutes(activations, watch);
    }
}
