package dev.cacheserver.application.deploy;

import static dev.cacheserver.application.deploy.DeployServiceTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.deploy.DeployServiceTest.RecordingAgent;
import dev.cacheserver.application.deploy.DeployServiceTest.RecordingViewer;
import dev.cacheserver.application.port.in.ActivateRequest;
import dev.cacheserver.application.port.in.WorkspaceCache;
import dev.cacheserver.domain.deploy.Deployment;
import dev.cacheserver.domain.deploy.DeploymentStatus;
import dev.cacheserver.domain.deploy.LogLine;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.port.inmemory.InMemoryDeploymentRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryMetadataEvents;
import dev.cacheserver.domain.port.inmemory.InMemoryNarInfoRepository;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Two deploy services (replicas) on one repository and one event bus: activations reach the agent's replica. */
class DeployReplicasTest {
    private static final String SYSTEM = "/nix/store/g8zva6pncl7n3i0l2bsridmag9f8yb8s-nixos-system";
    private final InMemoryDeploymentRepository repository = new InMemoryDeploymentRepository();
    private final InMemoryMetadataEvents bus = new InMemoryMetadataEvents();
    private final DeployService a = replica();
    private final DeployService b = replica();

    private DeployService replica() {
        return new DeployService(repository, new ClosureSize(new InMemoryNarInfoRepository()),
                new DeployTopology(Map.of("web1", "prod", "web2", "prod"), Map.of("prod", Optional.of(new WorkspaceCache(
                        new CacheName("main"), SecretSigningKey.generate("main.example-1").publicKey(), true)))),
                Clock.systemUTC(), bus.replica());
    }

    private Map<String, Deployment> activate(DeployService replica, Map<String, String> agents) {
        return await(replica.activate(WorkspaceGrant.of("prod"), new ActivateRequest(agents, Map.of())));
    }

    @Test
    void anAgentConnectedToOneReplicaGetsWhatIsActivatedThroughAnother() {
        RecordingAgent web1 = new RecordingAgent();
        a.agentConnected("web1", web1);

        Deployment d = activate(b, Map.of("web1", SYSTEM)).get("web1");

        assertEquals(List.of(d.id()), web1.sent.stream().map(Deployment::id).toList());
    }

    @Test
    void eachAgentGetsItsDeploymentOnceFromTheReplicaItIsConnectedTo() {
        RecordingAgent web1OnA = new RecordingAgent();
        RecordingAgent web2OnB = new RecordingAgent();
        a.agentConnected("web1", web1OnA);
        b.agentConnected("web2", web2OnB);

        Map<String, Deployment> created = activate(b, Map.of("web1", SYSTEM, "web2", SYSTEM));

        assertEquals(List.of(created.get("web1").id()), web1OnA.sent.stream().map(Deployment::id).toList());
        assertEquals(List.of(created.get("web2").id()), web2OnB.sent.stream().map(Deployment::id).toList());
    }

    @Test
    void aDeploymentThatStartedBeforeTheAnnouncementArrivesIsNotSentAgain() {
        RecordingAgent web1 = new RecordingAgent();
        Deployment d = activate(b, Map.of("web1", SYSTEM)).get("web1");
        a.agentConnected("web1", web1);
        await(a.started("web1", d.id(), Instant.now(), OptionalLong.empty()));

        bus.replica().deploymentActivated("web1", d.id());

        assertEquals(1, web1.sent.size(), "sent once, on connect");
        assertEquals(DeploymentStatus.IN_PROGRESS, await(b.status(WorkspaceGrant.of("prod"), d.id())).status());
    }

    @Test
    void aReplicaWithoutTheAgentSendsNothing() {
        RecordingAgent web1OnA = new RecordingAgent();
        a.agentConnected("web1", web1OnA);
        a.agentDisconnected("web1", web1OnA);

        activate(b, Map.of("web1", SYSTEM));

        assertEquals(List.of(), web1OnA.sent);
    }

    @Test
    void aViewerOnAnotherReplicaGetsEveryLineAndIsClosedWhenTheDeploymentEndsOnTheAgentsReplica() {
        Deployment d = activate(b, Map.of("web1", SYSTEM)).get("web1");
        await(a.started("web1", d.id(), Instant.now(), OptionalLong.empty()));
        a.log(d.id(), new LogLine("one", Instant.now()));
        RecordingViewer onB = new RecordingViewer();
        await(b.watch(await(b.status(WorkspaceGrant.of("prod"), d.id())), onB));
        a.log(d.id(), new LogLine("two", Instant.now()));
        assertEquals(List.of("one"), onB.lines, "b has what was stored when the viewer opened");

        await(a.finished("web1", d.id(), Instant.now(), true));

        long deadline = System.nanoTime() + DeploymentChannel.LOG_GRACE.plusSeconds(10).toNanos();
        while (!onB.closed && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(onB.closed, "the activate client waits for this");
        assertEquals(List.of("one", "two"), onB.lines, "every line once, in order");
    }
}
