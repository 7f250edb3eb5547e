package dev.cacheserver.bootstrap;

import dev.cacheserver.domain.error.Failures;
import dev.cacheserver.adapters.http.ops.ReadinessProbe;
import dev.cacheserver.adapters.http.ops.ReadinessReport;
import dev.cacheserver.adapters.http.ops.ReadinessReport.Check;
import dev.cacheserver.adapters.persistence.DatabaseProbe;
import dev.cacheserver.adapters.persistence.MetadataDatabase;
import dev.cacheserver.adapters.storage.S3NarStore;
import dev.cacheserver.adapters.storage.StorageGroupNarStore;
import dev.cacheserver.domain.error.StorageFullException;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readiness: the database answers {@code SELECT 1}, every local storage directory exists and is writable, and
 * every S3 bucket answers a HEAD, and no storage ran out of space in the last few seconds, each within {@value #CHECK_TIMEOUT_MILLIS} ms. The result is reused for
 * {@value #CACHE_MILLIS} ms, so probes from several load balancers cost one check. A dependency that stops
 * (or starts again) being ready is logged once, with the details the public answer leaves out.
 */
final class ReadinessChecks implements ReadinessProbe {
    static final long CHECK_TIMEOUT_MILLIS = 2_000;
    static final long CACHE_MILLIS = 2_000;
    private static final Logger LOG = LoggerFactory.getLogger(ReadinessChecks.class);

    private record Target(String name, StorageGroupNarStore group, StorageGroupNarStore.Member member) {
    }

    private final Vertx vertx;
    private final MetadataDatabase database;
    private final List<Target> storages = new CopyOnWriteArrayList<>();
    private final java.util.Set<String> down = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private CompletableFuture<ReadinessReport> last;
    private long lastStartedNanos;

    ReadinessChecks(Vertx vertx, MetadataDatabase database) {
        this.vertx = vertx;
        this.database = database;
    }

    /** Adds the storages of {@code cache}. */
    void storages(String cache, StorageGroupNarStore group) {
        for (StorageGroupNarStore.Member member : group.members()) {
            storages.add(new Target("storage " + cache + "/" + member.name(), group, member));
        }
    }

    @Override
    public synchronized CompletionStage<ReadinessReport> check() {
        long now = System.nanoTime();
        if (last == null || now - lastStartedNanos > TimeUnit.MILLISECONDS.toNanos(CACHE_MILLIS)) {
            lastStartedNanos = now;
            last = runChecks();
        }
        return last;
    }

    private CompletableFuture<ReadinessReport> runChecks() {
        List<CompletableFuture<Check>> checks = new ArrayList<>();
        checks.add(bounded("database", DatabaseProbe.check(database).toCompletionStage()));
        for (Target target : storages) {
            checks.add(bounded(target.name(), target.group().outOfSpaceStorages().contains(target.member().name())
                    ? CompletableFuture.failedFuture(new StorageFullException(target.name() + " is out of space"))
                    : storage(target.member())));
        }
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
                .thenApply(v -> new ReadinessReport(checks.stream().map(CompletableFuture::join).toList()));
    }

    private CompletionStage<Void> storage(StorageGroupNarStore.Member member) {
        if (member.store() instanceof S3NarStore s3) {
            return s3.checkBucket();
        }
        Path dir = member.localRoot().orElse(null);
        if (dir == null) {
            return CompletableFuture.completedFuture(null);
        }
        return vertx.executeBlocking(() -> {
            // As root, permissions do not stop writes; a missing or replaced directory does.
            if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
                throw new IllegalStateException("directory " + dir + " is missing or not writable");
            }
            return (Void) null;
        }, false).toCompletionStage();
    }

    private CompletableFuture<Check> bounded(String name, CompletionStage<?> stage) {
        return stage.toCompletableFuture()
                .orTimeout(CHECK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .handle((v, e) -> {
                    Check check = e == null ? Check.ok(name) : Check.down(name, publicReason(name, e));
                    logChange(check, e);
                    return check;
                });
    }

    /** What the public answer says: the kind of problem, not paths or driver messages (those go to the log). */
    private static String publicReason(String name, Throwable e) {
        Throwable cause = Failures.cause(e);
        if (cause instanceof java.util.concurrent.TimeoutException) {
            return "no answer within " + CHECK_TIMEOUT_MILLIS + " ms";
        }
        if (name.equals("database")) {
            return "the database does not answer";
        }
        if (cause instanceof StorageFullException) {
            return "full: a write failed for lack of space, no new NARs go there (reads still work)";
        }
        return cause instanceof IllegalStateException ? "the storage directory is missing or not writable"
                : "the storage is unreachable";
    }

    private void logChange(Check check, Throwable failure) {
        if (!check.ready() && down.add(check.name())) {
            LOG.warn("not ready: {}: {}", check.name(), String.valueOf(failure));
        } else if (check.ready() && down.remove(check.name())) {
            LOG.info("ready again: {}", check.name());
        }
    }
}
