package dev.cacheserver.adapters.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cacheserver.domain.deploy.Deployment;
import dev.cacheserver.domain.deploy.DeploymentStatus;
import dev.cacheserver.domain.deploy.LogLine;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.port.DeploymentRepository;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What every {@link DeploymentRepository} must do; run against the in-memory twin and SQLite. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class DeploymentRepositoryContract {
    protected static final Instant T0 = Instant.parse("2026-07-01T09:59:58Z");
    protected static final StorePath SYSTEM =
            StorePath.parse("/nix/store/g8zva6pncl7n3i0l2bsridmag9f8yb8s-nixos-system-web1");
    protected static final Map<String, String> ROLLBACK =
            Map.of("x86_64-linux", "/nix/store/w92hbm7f4yyjfhqm1z2iwxzn1hd5lkpz-rollback.sh");

    protected DeploymentRepository deployments;

    /** A fresh, empty repository, assigned to the field. */
    protected abstract void createRepository() throws Exception;

    @BeforeEach
    final void setUpRepository() throws Exception {
        createRepository();
    }

    @Test
    void indexesCountPerAgentFromOne() {
        Deployment a1 = create("web1");
        Deployment b1 = create("db1");
        Deployment a2 = create("web1");

        assertEquals(List.of(1L, 1L, 2L), List.of(a1.index(), b1.index(), a2.index()));
        assertEquals(DeploymentStatus.PENDING, a1.status());
        assertEquals(Optional.of(a1), await(deployments.find(a1.id())));
        assertEquals(Optional.empty(), await(deployments.find(UUID.randomUUID())));
    }

    @Test
    void concurrentActivationsGetDistinctIndexes() {
        List<CompletableFuture<Deployment>> all = IntStream.range(0, 20).mapToObj(i -> deployments.create(
                UUID.randomUUID(), "web1", SYSTEM, Map.of(), T0, null).toCompletableFuture()).toList();

        List<Long> indexes = all.stream().map(f -> await(f).index()).sorted().toList();

        assertEquals(IntStream.rangeClosed(1, 20).mapToObj(i -> (long) i).toList(), indexes);
    }

    @Test
    void everyFieldRoundTripsThroughAnUpdate() {
        Deployment created = await(deployments.create(UUID.randomUUID(), "web1", SYSTEM, ROLLBACK, T0, null));
        Deployment running = created.started(Instant.parse("2026-07-01T10:00:00.123456789Z"), OptionalLong.of(123456789L));
        await(deployments.update(running));
        Deployment done = running.finished(Instant.parse("2026-07-01T10:02:03.5Z"), false);
        await(deployments.update(done));

        Deployment read = await(deployments.find(created.id())).orElseThrow();

        assertEquals(done, read);
        assertEquals(ROLLBACK, read.rollbackScripts());
        assertEquals(OptionalLong.of(123456789L), read.closure());
    }

    @Test
    void aClosureSizeKnownAtCreationIsKept() {
        Deployment created = await(deployments.create(UUID.randomUUID(), "web1", SYSTEM, Map.of(), T0, 4096L));

        assertEquals(OptionalLong.of(4096L), await(deployments.find(created.id())).orElseThrow().closure());
    }

    @Test
    void updatingAnUnknownDeploymentFails() {
        Deployment ghost = Deployment.pending(UUID.randomUUID(), "web1", 1, SYSTEM, Map.of(), T0, null);

        assertInstanceOf(NotFoundException.class, failure(deployments.update(ghost)));
    }

    @Test
    void deploymentsAreFoundByAgentAndStatusInIndexOrder() {
        Deployment first = create("web1");
        Deployment second = create("web1");
        Deployment third = create("web1");
        create("db1");
        await(deployments.update(second.started(T0, OptionalLong.empty())));

        assertEquals(List.of(first.id(), third.id()),
                await(deployments.findByAgent("web1", DeploymentStatus.PENDING)).stream().map(Deployment::id).toList());
        assertEquals(List.of(second.id()),
                await(deployments.findByAgent("web1", DeploymentStatus.IN_PROGRESS)).stream().map(Deployment::id).toList());
        assertEquals(List.of(), await(deployments.findByAgent("nobody", DeploymentStatus.PENDING)));
    }

    @Test
    void logLinesKeepTheirOrderAcrossAppends() {
        Deployment d = create("web1");
        Deployment other = create("web1");
        LogLine l1 = new LogLine("$ nix-store -r " + SYSTEM.fullPath(), Instant.parse("2026-07-01T10:00:00.000000001Z"));
        LogLine l2 = new LogLine("copying path 'x' from 'http://main.example'", T0.plusSeconds(1));
        LogLine l3 = new LogLine("Successfully activated the deployment.", T0.plusSeconds(2));
        await(deployments.appendLog(d.id(), List.of(l1, l2)));
        await(deployments.appendLog(other.id(), List.of(l3)));
        await(deployments.appendLog(d.id(), List.of(l3)));
        await(deployments.appendLog(d.id(), List.of()));

        assertEquals(List.of(l1, l2, l3), await(deployments.log(d.id())));
        assertEquals(List.of(l3), await(deployments.log(other.id())));
        assertEquals(List.of(), await(deployments.log(UUID.randomUUID())));
    }

    @Test
    void linesOfAnUnknownDeploymentAreRefused() {
        assertInstanceOf(NotFoundException.class,
                failure(deployments.appendLog(UUID.randomUUID(), List.of(new LogLine("x", T0)))));
    }

    protected Deployment create(String agent) {
        return await(deployments.create(UUID.randomUUID(), agent, SYSTEM, Map.of(), T0, null));
    }

    protected static Throwable failure(CompletionStage<?> stage) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(10, TimeUnit.SECONDS));
        return e.getCause();
    }

    protected static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
