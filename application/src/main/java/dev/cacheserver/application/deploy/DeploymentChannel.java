package dev.cacheserver.application.deploy;

import dev.cacheserver.application.port.in.LogViewer;
import dev.cacheserver.domain.deploy.LogLine;
import dev.cacheserver.domain.port.DeploymentRepository;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Everything that happens to one active deployment, in order: status changes and log writes run one after the
 * other (so a read-modify-write never races another), log lines are written in batches (one transaction for the
 * lines that arrived while the previous write ran), and live lines reach the viewers at once.
 *
 * <p>A new viewer seals the open batch and queues its replay read behind it: the read then sees exactly the
 * lines that arrived before the viewer, and the viewer gets every later line live. No line is lost or doubled.
 */
final class DeploymentChannel {
    private static final System.Logger LOG = System.getLogger(DeploymentChannel.class.getName());
    static final Duration LOG_GRACE = Duration.ofSeconds(3);
    private final UUID id;
    private final DeploymentRepository repository;
    private final List<ViewerSession> viewers = new ArrayList<>();
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
    private List<LogLine> openBatch;
    private boolean ended;

    DeploymentChannel(UUID id, DeploymentRepository repository) {
        this.id = id;
        this.repository = repository;
    }

    /** Runs {@code step} after every step queued before it, whether those failed or not. */
    synchronized <T> CompletableFuture<T> enqueue(Supplier<CompletionStage<T>> step) {
        CompletableFuture<T> result = tail.handle((ignored, failure) -> null)
                .thenCompose(ignored -> step.get()).toCompletableFuture();
        tail = result;
        return result;
    }

    synchronized void append(LogLine line) {
        if (openBatch == null) {
            List<LogLine> batch = new ArrayList<>();
            batch.add(line);
            openBatch = batch;
            // May write at once, on this thread, when nothing is queued.
            enqueue(() -> write(batch));
        } else {
            openBatch.add(line);
        }
        for (ViewerSession viewer : viewers) {
            viewer.deliver(line);
        }
        viewers.removeIf(ViewerSession::isClosed);
    }

    private CompletionStage<Void> write(List<LogLine> batch) {
        List<LogLine> lines;
        synchronized (this) {
            if (openBatch == batch) {
                openBatch = null;
            }
            lines = List.copyOf(batch);
        }
        return repository.appendLog(id, lines).exceptionally(e -> {
            LOG.log(System.Logger.Level.WARNING, "could not store " + lines.size() + " log lines of deployment " + id, e);
            return null;
        });
    }

    /** Adds a viewer: it gets every stored line, then the live ones. */
    synchronized CompletionStage<Void> watch(LogViewer viewer, boolean ended) {
        ViewerSession session = new ViewerSession(viewer);
        openBatch = null;
        viewers.add(session);
        if (ended || this.ended) {
            endAfterGrace(List.of(session));
        }
        return enqueue(() -> repository.log(id)).thenAccept(session::replay).whenComplete((done, failure) -> {
            if (failure != null) {
                session.close();
            }
            removeClosed();
        });
    }

    synchronized void unwatch(LogViewer viewer) {
        viewers.removeIf(v -> v.viewer() == viewer);
    }

    /**
     * The deployment is over. The agent sends its log on a socket of its own, so its last lines (the final one
     * above all) may still be on their way when DeploymentFinished arrives: a viewer closes at the final line, or
     * {@link #LOG_GRACE} after the end, once it has what was logged by then.
     */
    synchronized void end() {
        ended = true;
        endAfterGrace(List.copyOf(viewers));
    }

    /**
     * The deployment ended on another replica (the one holding the agent): its lines reached this replica's
     * viewers only through the database, so after {@link #LOG_GRACE} (for the agent's last lines to be stored
     * there) they get the stored lines they lack, then close.
     */
    void endedElsewhere() {
        CompletableFuture.runAsync(() -> enqueue(() -> repository.log(id)).thenAccept(stored -> {
            List<ViewerSession> sessions;
            synchronized (this) {
                ended = true;
                sessions = List.copyOf(viewers);
            }
            sessions.forEach(session -> session.catchUpAndEnd(stored));
            removeClosed();
        }), CompletableFuture.delayedExecutor(LOG_GRACE.toMillis(), TimeUnit.MILLISECONDS));
    }

    private void endAfterGrace(List<ViewerSession> sessions) {
        CompletableFuture.runAsync(() -> {
            synchronized (this) {
                sessions.forEach(ViewerSession::end);
                viewers.removeIf(ViewerSession::isClosed);
            }
        }, CompletableFuture.delayedExecutor(LOG_GRACE.toMillis(), TimeUnit.MILLISECONDS));
    }

    synchronized boolean hasViewers() {
        return !viewers.isEmpty();
    }

    synchronized CompletableFuture<?> idle() {
        return tail.handle((ignored, failure) -> null);
    }

    private synchronized void removeClosed() {
        viewers.removeIf(ViewerSession::isClosed);
    }
}
