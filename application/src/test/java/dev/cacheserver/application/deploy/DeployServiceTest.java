package dev.cacheserver.application.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.port.in.ActivateRequest;
import dev.cacheserver.application.port.in.AgentInformation;
import dev.cacheserver.application.port.in.AgentLink;
import dev.cacheserver.application.port.in.LogViewer;
import dev.cacheserver.application.port.in.WorkspaceCache;
import dev.cacheserver.domain.deploy.Deployment;
import dev.cacheserver.domain.deploy.DeploymentStatus;
import dev.cacheserver.domain.deploy.LogLine;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.port.inmemory.InMemoryDeploymentRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryNarInfoRepository;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The deploy use cases over the in-memory repository: dispatch, log replay, viewer closing. */
class DeployServiceTest {
    private static final String SYSTEM = "/nix/store/g8zva6pncl7n3i0l2bsridmag9f8yb8s-nixos-system";
    private final InMemoryDeploymentRepository repository = new InMemoryDeploymentRepository();
    private final DeployService service = new DeployService(repository, new ClosureSize(new InMemoryNarInfoRepository()),
            new DeployTopology(Map.of("web1", "prod"), Map.of("prod", Optional.of(new WorkspaceCache(
                    new CacheName("main"), SecretSigningKey.generate("main.example-1").publicKey(), true)))),
            Clock.systemUTC(), dev.cacheserver.domain.port.MetadataEvents.NONE);

    static final class RecordingAgent implements AgentLink {
        final List<Deployment> sent = Collections.synchronizedList(new ArrayList<>());
        final List<Optional<String>> rollbacks = Collections.synchronizedList(new ArrayList<>());

        @Override
        public String system() {
            return "x86_64-linux";
        }

        @Override
        public void send(Deployment deployment, Optional<String> rollbackScript) {
            sent.add(deployment);
            rollbacks.add(rollbackScript);
        }
    }

    static final class RecordingViewer implements LogViewer {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        volatile boolean closed;

        @Override
        public void send(LogLine line) {
            lines.add(line.line());
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private Deployment activate() {
        return await(service.activate(WorkspaceGrant.of("prod"), new ActivateRequest(Map.of("web1", SYSTEM),
                Map.of("x86_64-linux", "/nix/store/w92hbm7f4yyjfhqm1z2iwxzn1hd5lkpz-rollback.sh")))).get("web1");
    }

    @Test
    void aConnectedAgentGetsTheDeploymentWithTheRollbackScriptOfItsSystem() {
        RecordingAgent agent = new RecordingAgent();
        service.agentConnected("web1", agent);

        Deployment d = activate();

        assertEquals(List.of(d), agent.sent);
        assertEquals(List.of(Optional.of("/nix/store/w92hbm7f4yyjfhqm1z2iwxzn1hd5lkpz-rollback.sh")), agent.rollbacks);
        assertEquals(new AgentInformation(DeployTopology.agentId("web1"), service.registration("web1").cache()),
                service.registration("web1"));
    }

    @Test
    void aLateViewerGetsEveryLineOnceAndIsClosedWhenTheDeploymentEnds() {
        Deployment d = activate();
        await(service.started("web1", d.id(), Instant.now(), OptionalLong.empty()));
        service.log(d.id(), new LogLine("one", Instant.now()));
        service.log(d.id(), new LogLine("two", Instant.now()));
        RecordingViewer viewer = new RecordingViewer();
        CompletionStage<Void> watching = service.watch(await(service.status(WorkspaceGrant.of("prod"), d.id())), viewer);
        service.log(d.id(), new LogLine("three", Instant.now()));
        await(watching);
        service.log(d.id(), new LogLine("four", Instant.now()));

        assertEquals(List.of("one", "two", "three", "four"), viewer.lines);
        assertTrue(!viewer.closed);

        Deployment done = await(service.finished("web1", d.id(), Instant.now(), true));
        // The agent's log socket is not its control socket: a line may arrive just after DeploymentFinished.
        service.log(d.id(), new LogLine("five, after the end", Instant.now()));

        assertEquals(DeploymentStatus.SUCCEEDED, done.status());
        assertEquals(List.of("one", "two", "three", "four", "five, after the end"), viewer.lines);
        long deadline = System.nanoTime() + DeploymentChannel.LOG_GRACE.plusSeconds(5).toNanos();
        while (!viewer.closed && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(viewer.closed, "the activate client waits for this");
        assertEquals(5, await(repository.log(d.id())).size());
    }

    @Test
    void aViewerIsClosedAtTheFinalLineWithoutWaitingForTheGracePeriod() {
        Deployment d = activate();
        await(service.started("web1", d.id(), Instant.now(), OptionalLong.empty()));
        RecordingViewer viewer = new RecordingViewer();
        await(service.watch(await(service.status(WorkspaceGrant.of("prod"), d.id())), viewer));
        await(service.finished("web1", d.id(), Instant.now(), true));
        assertTrue(!viewer.closed, "the final line has not arrived yet");

        service.log(d.id(), new LogLine("Successfully activated the deployment.", Instant.now()));

        assertTrue(viewer.closed);
    }

    @Test
    void anotherAgentCannotReportOnTheDeployment() {
        Deployment d = activate();

        Throwable failure = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> await(service.finished("web2", d.id(), Instant.now(), true)));

        assertTrue(String.valueOf(failure.getMessage()).contains("no deployment"), failure.toString());
        assertEquals(DeploymentStatus.PENDING, await(repository.find(d.id())).orElseThrow().status());
    }

    static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new RuntimeException(e.getCause().getMessage(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
