package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.http.deploy.DeployRoutes;
import dev.cacheserver.adapters.http.deploy.DeployVerticle;
import dev.cacheserver.adapters.persistence.MetadataDatabase;
import dev.cacheserver.application.RevocationList;
import dev.cacheserver.application.deploy.ClosureSize;
import dev.cacheserver.application.deploy.DeployAccess;
import dev.cacheserver.application.deploy.DeployService;
import dev.cacheserver.application.deploy.DeployTopology;
import dev.cacheserver.application.deploy.WorkspaceCache;
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
public final class DeployServer {
    private static final Logger LOG = LoggerFactory.getLogger(DeployServer.class);
    private final DeployService service;
    private final DeployAccess access;

    private DeployServer(DeployService service, DeployAccess access) {
        this.service = service;
        this.access = access;
    }

    public DeployRoutes routes() {
        return new DeployRoutes(service, access);
    }

    /** Starts the deploy verticle; empty when no workspace or agent is configured. Blocks the calling thread. */
    static Optional<DeployServer> start(Vertx vertx, AppConfig config, Hs256Tokens tokens, MetadataDatabase database,
                                        List<CacheServer.RunningCache> caches, RevocationList revocations)
            throws Exception {
        if (config.workspaces().isEmpty() && config.agents().isEmpty()) {
            return Optional.empty();
        }
        DeployTopology topology = topology(config, caches);
        Clock clock = Clock.systemUTC();
        DeployAccess access = new DeployAccess(tokens, clock, topology, revocations);
        DeployService service = new DeployService(database.deployments(),
                new ClosureSize(database.narInfos()), topology, clock);
        String host = config.server().hostname();
        int port = config.server().deployPort();
        try {
            CacheServer.await(vertx.deployVerticle(new DeployVerticle(service, access, host, port,
                    CacheServer.connectionLimits(config))));
        } catch (Exception e) {
            throw new StartupException("deploy: cannot listen on " + host + ":" + port + " (" + e.getMessage() + ")", e);
        }
        LOG.info("Cachix Deploy: {} workspace(s), {} agent(s); agents connect to ws://{}:{}/ws", config.workspaces().size(),
                config.agents().size(), host, port);
        return Optional.of(new DeployServer(service, access));
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
