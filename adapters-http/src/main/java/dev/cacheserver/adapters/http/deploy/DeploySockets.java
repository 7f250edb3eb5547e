package dev.cacheserver.adapters.http.deploy;

import dev.cacheserver.adapters.http.Credentials;
import dev.cacheserver.adapters.http.HttpErrors;
import dev.cacheserver.application.port.in.AgentInformation;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.ConnectAgent.ConnectAgentCommand;
import dev.cacheserver.application.port.in.DeployAgent;
import dev.cacheserver.application.port.in.WatchDeployment.DeploymentCommand;
import dev.cacheserver.domain.deploy.Deployment;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cachix Deploy websockets. {@code /ws}: an agent (headers {@code name}, {@code Authorization},
 * {@code version}, {@code system}) gets AgentRegistered first, then its deployments. {@code /ws-deployment}: a
 * deployment process reports DeploymentStarted/Finished. {@code /api/v1/deploy/log/{id}}: the deployment process
 * streams log lines, or, with {@code ?view=true} and a workspace token, the activate client reads them. A bad
 * token, an unknown agent or a deployment that is not the caller's refuses the upgrade (401, 403 or 404), which
 * agents retry every second. On shutdown every socket is closed with 1012, never 1000, which would make
 * {@code cachix deploy agent} exit instead of reconnecting.
 */
final class DeploySockets {
    static final short RESTARTING = 1012;
    private static final Logger LOG = LoggerFactory.getLogger(DeploySockets.class);
    private final DeployApi api;
    private final Clock clock;
    private final Set<ServerWebSocket> open = ConcurrentHashMap.newKeySet();

    DeploySockets(DeployApi api, Clock clock) {
        this.api = api;
        this.clock = clock;
    }

    void agent(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String system = req.getHeader("system");
        DeployAgent agent;
        try {
            agent = authenticatedAgent(req);
        } catch (RuntimeException e) {
            reject(req, e);
            return;
        }
        upgrade(req, ws -> {
            AgentInformation info = api.agents().registration(agent);
            // AgentRegistered first: the agent ignores deployments until it has it.
            ws.writeTextMessage(DeployJson.agentRegistered(info));
            AgentSocket link = new AgentSocket(ws, info.id(), system);
            ws.closeHandler(v -> api.agents().disconnected(agent, link));
            LOG.info("deploy agent {} connected ({}, {})", agent.name(), system, req.getHeader("version"));
            api.agents().connected(agent, link);
        });
    }

    void deployment(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        DeployAgent agent;
        try {
            agent = authenticatedAgent(req);
        } catch (RuntimeException e) {
            reject(req, e);
            return;
        }
        upgrade(req, ws -> ws.textMessageHandler(frame -> DeployJson.agentCommand(frame).ifPresentOrElse(
                command -> report(agent, command),
                () -> LOG.debug("dropped a frame from agent {}'s deployment process", agent.name()))));
    }

    private void report(DeployAgent agent, DeployJson.AgentCommand command) {
        CompletionStage<Deployment> done;
        if (command instanceof DeployJson.Started s) {
            done = api.reports().started(agent, s.id(), s.time().orElseGet(clock::instant), s.closureSize());
        } else {
            DeployJson.Finished f = (DeployJson.Finished) command;
            done = api.reports().finished(agent, f.id(), f.time().orElseGet(clock::instant), f.hasSucceeded());
        }
        done.whenComplete((d, failure) -> {
            if (failure != null) {
                LOG.warn("ignored a report from agent {} on deployment {}: {}", agent.name(), command.id(),
                        HttpErrors.answer(failure).message());
            } else {
                LOG.info("deployment {} #{} of agent {}: {}", d.id(), d.index(), agent.name(), d.status().wireName());
            }
        });
    }

    void log(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        try {
            UUID id = DeployRoutes.deploymentId(ctx.pathParam("id"));
            if ("true".equals(req.getParam("view"))) {
                Caller viewer = new Caller(Credentials.token(req.getHeader("Authorization")));
                afterCheck(req, api.watch().status(new DeploymentCommand(viewer, id.toString())), (ws, deployment) -> {
                    ViewerSocket socket = new ViewerSocket(ws);
                    ws.closeHandler(v -> api.watch().unwatch(id, socket));
                    api.watch().watch(deployment, socket);
                });
            } else {
                DeployAgent agent = authenticatedAgent(req);
                afterCheck(req, api.reports().openLog(agent, id), (ws, deployment) -> ws.textMessageHandler(frame ->
                        DeployJson.logLine(frame, clock.instant()).ifPresent(line -> api.reports().log(id, line))));
            }
        } catch (RuntimeException e) {
            reject(req, e);
        }
    }

    /** Closes every socket with 1012 (service restart), so agents reconnect; completes when all are closed. */
    Future<Void> closeAll() {
        List<Future<Void>> closing = new ArrayList<>();
        for (ServerWebSocket ws : open) {
            if (!ws.isClosed()) {
                closing.add(ws.close(RESTARTING, "cache-server is restarting"));
            }
        }
        return Future.join(closing).<Void>mapEmpty().recover(e -> Future.succeededFuture());
    }

    private DeployAgent authenticatedAgent(HttpServerRequest req) {
        return api.agents().authenticate(new ConnectAgentCommand(new Caller(agentToken(req.getHeader("Authorization"))),
                req.getHeader("name")));
    }

    /** Bearer as the current agent sends it; raw {@code Basic <token>} as agents before 1.0 did. */
    static Optional<String> agentToken(String authorization) {
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String raw = authorization.substring(6).strip();
            if (raw.chars().filter(c -> c == '.').count() == 2) {
                return Optional.of(raw);
            }
        }
        return Credentials.token(authorization);
    }

    private <T> void afterCheck(HttpServerRequest req, CompletionStage<T> check,
                                java.util.function.BiConsumer<ServerWebSocket, T> onOpen) {
        Context context = Vertx.currentContext();
        req.pause();
        check.whenComplete((value, failure) -> context.runOnContext(v -> {
            if (failure != null) {
                reject(req, failure);
            } else {
                upgrade(req, ws -> onOpen.accept(ws, value));
            }
        }));
    }

    private void upgrade(HttpServerRequest req, Consumer<ServerWebSocket> onOpen) {
        if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
            req.response().setStatusCode(400).end("this is a websocket endpoint");
            return;
        }
        req.toWebSocket().onSuccess(ws -> {
            open.add(ws);
            ws.exceptionHandler(e -> LOG.debug("deploy websocket {}: {}", req.path(), e.toString()));
            ws.endHandler(v -> open.remove(ws));
            onOpen.accept(ws);
        }).onFailure(e -> LOG.debug("websocket upgrade on {} failed: {}", req.path(), e.toString()));
    }

    private static void reject(HttpServerRequest req, Throwable failure) {
        HttpErrors.Answer answer = HttpErrors.answer(failure);
        LOG.info("refused deploy websocket {} ({}): {}", req.path(), answer.status(), answer.message());
        if (!req.response().ended()) {
            req.response().setStatusCode(answer.status()).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end(answer.message());
        }
    }
}
