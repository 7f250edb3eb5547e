package dev.cacheserver.application.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cacheserver.application.access.RevocationList;
import dev.cacheserver.application.port.in.ActivateDeployment.ActivateDeploymentCommand;
import dev.cacheserver.application.port.in.ActivateRequest;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.ConnectAgent.ConnectAgentCommand;
import dev.cacheserver.application.port.in.WatchDeployment.DeploymentCommand;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import dev.cacheserver.domain.deploy.Deployment;
import dev.cacheserver.domain.error.AuthenticationException;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.error.PermissionDeniedException;
import dev.cacheserver.domain.port.inmemory.InMemoryDeploymentRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryNarInfoRepository;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The deploy ports decide access from the caller's token alone: the adapter hands over the token, nothing more. */
class DeployUseCasesTest {
    private static final String PATH = "/nix/store/g8zva6pncl7n3i0l2bsridmag9f8yb8s-nixos-system";
    private final Hs256Tokens tokens = new Hs256Tokens("k".getBytes(StandardCharsets.UTF_8));
    private final DeployUseCases deploy = new DeployUseCases(new InMemoryDeploymentRepository(),
            new InMemoryNarInfoRepository(), new DeployTopology(Map.of("web1", "prod", "db1", "staging"),
                    Map.of("prod", Optional.empty(), "staging", Optional.empty())), tokens, new RevocationList(),
            Clock.systemUTC());

    private Caller token(String subject, Permission permission) {
        return Caller.withToken(tokens.issue(new TokenClaims(subject, permission, null, null)));
    }

    private static <T> T done(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletionStage<?> stage) {
        return assertThrows(ExecutionException.class, () -> done(stage)).getCause();
    }

    private ActivateDeploymentCommand activate(Caller caller, String agent) {
        return new ActivateDeploymentCommand(caller, new ActivateRequest(Map.of(agent, PATH), Map.of()));
    }

    @Test
    void onlyAWorkspaceWriteTokenActivatesItsOwnAgents() throws Exception {
        Deployment created = done(deploy.activate().activate(activate(token("prod", Permission.WRITE), "web1"))).get("web1");
        assertEquals("web1", created.agent());

        assertInstanceOf(AuthenticationException.class, failure(deploy.activate().activate(activate(Caller.anonymous(), "web1"))));
        assertInstanceOf(PermissionDeniedException.class,
                failure(deploy.activate().activate(activate(token("prod", Permission.READ), "web1"))));
        assertInstanceOf(PermissionDeniedException.class,
                failure(deploy.activate().activate(activate(token("web1", Permission.WRITE), "web1"))));
        assertInstanceOf(NotFoundException.class,
                failure(deploy.activate().activate(activate(token("prod", Permission.WRITE), "db1"))));
        assertThrows(AuthenticationException.class, () -> deploy.activate().authorize(Caller.anonymous()));
    }

    @Test
    void aDeploymentIsVisibleToItsWorkspaceAndToAdminsOnly() throws Exception {
        Deployment created = done(deploy.activate().activate(activate(token("prod", Permission.WRITE), "web1"))).get("web1");
        String id = created.id().toString();

        assertEquals(created.id(), done(deploy.watch().status(new DeploymentCommand(token("prod", Permission.READ), id))).id());
        assertEquals(created.id(), done(deploy.watch().status(new DeploymentCommand(token("*", Permission.ADMIN), id))).id());
        assertInstanceOf(NotFoundException.class,
                failure(deploy.watch().status(new DeploymentCommand(token("staging", Permission.READ), id))));
        assertInstanceOf(AuthenticationException.class,
                failure(deploy.watch().status(new DeploymentCommand(Caller.anonymous(), "not-a-uuid"))));
        assertInstanceOf(NotFoundException.class,
                failure(deploy.watch().status(new DeploymentCommand(token("prod", Permission.READ), "not-a-uuid"))));
    }

    @Test
    void anAgentConnectsWithItsOwnTokenAndReadsOnlyItsOwnDeployments() throws Exception {
        var agent = deploy.connectAgent().authenticate(new ConnectAgentCommand(token("web1", Permission.WRITE), "web1"));
        assertEquals("web1", agent.name());
        assertThrows(AuthenticationException.class, () -> deploy.connectAgent().authenticate(
                new ConnectAgentCommand(token("web1", Permission.WRITE), "db1")));
        assertThrows(AuthenticationException.class, () -> deploy.connectAgent().authenticate(
                new ConnectAgentCommand(Caller.anonymous(), "web1")));

        Deployment mine = done(deploy.activate().activate(activate(token("prod", Permission.WRITE), "web1"))).get("web1");
        Deployment theirs = done(deploy.activate().activate(activate(token("staging", Permission.WRITE), "db1"))).get("db1");
        assertEquals(mine.id(), done(deploy.reportDeployment().openLog(agent, mine.id())).id());
        assertInstanceOf(NotFoundException.class, failure(deploy.reportDeployment().openLog(agent, theirs.id())));
    }
}
