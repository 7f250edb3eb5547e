package dev.cacheserver.domain.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.model.StorePath;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DeploymentTest {
    private static final Instant T0 = Instant.parse("2026-07-01T09:59:58Z");
    private static final StorePath SYSTEM = StorePath.parse("/nix/store/g8zva6pncl7n3i0l2bsridmag9f8yb8s-nixos-system");
    private final Deployment pending = Deployment.pending(UUID.randomUUID(), "web1", 7, SYSTEM,
            Map.of("x86_64-linux", "/nix/store/g8zva6pncl7n3i0l2bsridmag9f8yb8s-rollback.sh"), T0, null);

    @Test
    void startedTwiceThenFinishedRecordsTimesAndTheReportedSize() {
        Deployment first = pending.started(T0.plusSeconds(2), OptionalLong.empty());
        Deployment second = first.started(T0.plusSeconds(3), OptionalLong.of(123456789L));
        Deployment done = second.finished(T0.plusSeconds(60), true);

        assertEquals(DeploymentStatus.IN_PROGRESS, first.status());
        assertEquals(Optional.of(T0.plusSeconds(2)), second.started());
        assertEquals(OptionalLong.of(123456789L), second.closure());
        assertEquals(DeploymentStatus.SUCCEEDED, done.status());
        assertEquals(Optional.of(T0.plusSeconds(60)), done.finished());
        assertEquals("Succeeded", done.status().wireName());
    }

    @Test
    void aClosureSizeFromTheCacheIsKeptOverTheAgentsReport() {
        Deployment known = Deployment.pending(UUID.randomUUID(), "web1", 1, SYSTEM, Map.of(), T0, 42L);

        assertEquals(OptionalLong.of(42L), known.started(T0, OptionalLong.of(99L)).closure());
    }

    @Test
    void aFailureIsFinalAndLateEventsChangeNothing() {
        Deployment failed = pending.started(T0, OptionalLong.empty()).finished(T0.plusSeconds(5), false);

        assertEquals(DeploymentStatus.FAILED, failed.status());
        assertTrue(failed.status().isTerminal());
        assertSame(failed, failed.started(T0.plusSeconds(6), OptionalLong.of(1)));
        assertSame(failed, failed.finished(T0.plusSeconds(7), true));
        assertSame(failed, failed.cancelled(T0.plusSeconds(8)));
    }

    @Test
    void onlyAPendingDeploymentCanBeCancelled() {
        Deployment cancelled = pending.cancelled(T0.plusSeconds(1));
        Deployment running = pending.started(T0, OptionalLong.empty());

        assertEquals(DeploymentStatus.CANCELLED, cancelled.status());
        assertEquals(Optional.of(T0.plusSeconds(1)), cancelled.finished());
        assertSame(running, running.cancelled(T0.plusSeconds(1)));
        assertFalse(running.status().isTerminal());
    }

    @Test
    void theRollbackScriptIsPickedByTheAgentsSystem() {
        assertEquals(Optional.of("/nix/store/g8zva6pncl7n3i0l2bsridmag9f8yb8s-rollback.sh"),
                pending.rollbackScriptFor("x86_64-linux"));
        assertEquals(Optional.empty(), pending.rollbackScriptFor("aarch64-darwin"));
        assertEquals(Optional.empty(), pending.rollbackScriptFor(null));
    }

    @Test
    void theFinalLogLinesAreRecognisedByPrefix() {
        assertTrue(new LogLine("Successfully activated the deployment.", T0).isFinal());
        assertTrue(new LogLine("Failed to activate the deployment. Exit code 1", T0).isFinal());
        assertFalse(new LogLine("$ nix-store -r /nix/store/x", T0).isFinal());
    }
}
