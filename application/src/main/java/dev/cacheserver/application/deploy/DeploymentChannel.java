package dev.cacheserver.application.deploy;

import dev.cacheserver.domain.deploy.LogLine;
import dev.cacheserver.domain.port.DeploymentRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
            session.end();
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

    /** The deployment is over: every viewer is closed once it has what was logged so far. */
    synchronized void end() {
        ended = true;
        for (ViewerSession viewer : viewers) {
            viewer.end();
        }
        viewers.removeIf(ViewerSession::isClosed);
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
