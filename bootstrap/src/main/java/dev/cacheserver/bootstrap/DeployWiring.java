package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.http.deploy.DeployApi;
import dev.cacheserver.adapters.http.deploy.DeployRoutes;
import dev.cacheserver.adapters.http.deploy.DeployVerticle;
import dev.cacheserver.adapters.persistence.MetadataDatabase;
import dev.cacheserver.application.access.RevocationList;
import dev.cacheserver.application.deploy.DeployTopology;
import dev.cacheserver.application.deploy.DeployUseCases;
import dev.cacheserver.application.port.in.WorkspaceCache;
import dev.cacheserver.bootstrap.config.AgentSettings;
import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.WorkspaceSettings;
import dev.cacheserver.domain.auth.Hs256Tokens;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires Cachix Deploy: the configured workspaces and agents, the deploy service over SQLite, and the deploy
 * verticle on {@code deploy-port}. Started only when the configuration has workspaces or agents.
 * {@link #routes()} gives the REST calls for mounting on {@code server-port} as well. Revoked token ids come from
 * the server's {@link RevocationList}, which the Cachix API wiring keeps loaded.
 */
public final class DeployWiring {
    private static final Logger LOG = LoggerFactory.getLogger(DeployWiring.class);
    private final DeployApi api;

    private DeployWiring(DeployApi api) {
        this.api = api;
    }

    public DeployRoutes routes() {
        return api.routes();
    }

    /** Starts the deploy verticle; empty when no workspace or agent is configured. Blocks the calling thread. */
    static Optional<DeployWiring> start(Vertx vertx, AppConfig config, Hs256Tokens tokens, MetadataDatabase database,
                                        List<CacheServer.RunningCache> caches, RevocationList revocations)
            throws Exception {
        if (config.workspaces().isEmpty() && config.agents().isEmpty()) {
            return Optional.empty();
        }
        DeployTopology topology = topology(config, caches);
        Clock clock = Clock.systemUTC();
        DeployUseCases deploy = new DeployUseCases(database.deployments(),
                database.narInfos(), topology, tokens, revocations, clock, database.events());
        DeployApi api = new DeployApi(deploy.connectAgent(), deploy.reportDeployment(), deploy.activate(), deploy.watch());
        String host = config.server().hostname();
        int port = config.server().deployPort();
        try {
            CacheServer.await(vertx.deployVerticle(new DeployVerticle(api, host, port,
                    CacheEndpointWiring.connectionLimits(config))));
        } catch (Exception e) {
            throw new StartupException("deploy: cannot listen on " + host + ":" + port + " (" + e.getMessage() + ")", e);
        }
        LOG.info("Cachix Deploy: {} workspace(s), {} agent(s); agents connect to ws://{}:{}/ws", config.workspaces().size(),
                config.agents().size(), host, port);
        return Optional.of(new DeployWiring(api));
    }

    private static DeployTopology topology(AppConfig config, List<CacheServer.RunningCache> caches) {
        Map<String, Optional<WorkspaceCache>> workspaces = new HashMap<>();
        for (WorkspaceSettings ws : config.workspaces()) {
            workspaces.put(ws.name(), caches.stream().filter(c -> c.settings().name().equals(ws.cache())).findFirst()
                    .map(c -> new WorkspaceCache(c.profile().name(), c.profile().signingKey().publicKey(),
                            c.profile().isPublic())));
        }
        Map<String, String> agents = new HashMap<>();
        for (AgentSettings agent : config.agents()) {
            agents.put(agent.name(), agent.workspace());
        }
        return new DeployTopology(agents, workspaces);
    }
}
