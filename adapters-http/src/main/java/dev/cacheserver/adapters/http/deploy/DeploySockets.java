package dev.cacheserver.adapters.http.deploy;

import dev.cacheserver.adapters.http.Credentials;
import dev.cacheserver.adapters.http.HttpErrors;
import dev.cacheserver.application.deploy.AgentInformation;
import dev.cacheserver.application.deploy.DeployAccess;
import dev.cacheserver.application.deploy.DeployService;
import dev.cacheserver.application.deploy.WorkspaceGrant;
import dev.cacheserver.domain.auth.Permission;
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
    private final DeployService service;
    private final DeployAccess access;
    private final Clock clock;
    private final Set<ServerWebSocket> open = ConcurrentHashMap.newKeySet();

    DeploySockets(DeployService service, DeployAccess access, Clock clock) {
        this.service = service;
        this.access = access;
        this.clock = clock;
    }

    void agent(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String system = req.getHeader("system");
        String agent;
        try {
            agent = authenticatedAgent(req);
        } catch (RuntimeException e) {
            reject(req, e);
            return;
        }
        upgrade(req, ws -> {
            AgentInformation info = service.registration(agent);
            // AgentRegistered first: the agent ignores deployments until it has it.
            ws.writeTextMessage(DeployJson.agentRegistered(info));
            AgentSocket link = new AgentSocket(ws, info.id(), system);
            ws.closeHandler(v -> service.agentDisconnected(agent, link));
            LOG.info("deploy agent {} connected ({}, {})", agent, system, req.getHeader("version"));
            service.agentConnected(agent, link);
        });
    }

    void deployment(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String agent;
        try {
            agent = authenticatedAgent(req);
        } catch (RuntimeException e) {
            reject(req, e);
            return;
        }
        upgrade(req, ws -> ws.textMessageHandler(frame -> DeployJson.agentCommand(frame).ifPresentOrElse(
                command -> report(agent, command),
                () -> LOG.debug("dropped a frame from agent {}'s deployment process", agent))));
    }

    private void report(String agent, DeployJson.AgentCommand command) {
        CompletionStage<Deployment> done;
        if (command instanceof DeployJson.Started s) {
            done = service.started(agent, s.id(), s.time().orElseGet(clock::instant), s.closureSize());
        } else {
            DeployJson.Finished f = (DeployJson.Finished) command;
            done = service.finished(agent, f.id(), f.time().orElseGet(clock::instant), f.hasSucceeded());
        }
        done.whenComplete((d, failure) -> {
            if (failure != null) {
                LOG.warn("ignored a report from agent {} on deployment {}: {}", agent, command.id(),
                        HttpErrors.answer(failure).message());
            } else {
                LOG.info("deployment {} #{} of agent {}: {}", d.id(), d.index(), agent, d.status().wireName());
            }
        });
    }

    void log(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        try {
            UUID id = DeployRoutes.deploymentId(ctx.pathParam("id"));
            if ("true".equals(req.getParam("view"))) {
                WorkspaceGrant grant = access.workspace(Credentials.token(req.getHeader("Authorization")), Permission.READ);
                afterCheck(req, service.status(grant, id), (ws, deployment) -> {
                    ViewerSocket viewer = new ViewerSocket(ws);
                    ws.closeHandler(v -> service.unwatch(id, viewer));
                    service.watch(deployment, viewer);
                });
            } else {
                String agent = authenticatedAgent(req);
                afterCheck(req, service.owned(id, agent), (ws, deployment) -> ws.textMessageHandler(frame ->
                        DeployJson.logLine(frame, clock.instant()).ifPresent(line -> service.log(id, line))));
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

    private String authenticatedAgent(HttpServerRequest req) {
        return access.agent(agentToken(req.getHeader("Authorization")), req.getHeader("name"));
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
