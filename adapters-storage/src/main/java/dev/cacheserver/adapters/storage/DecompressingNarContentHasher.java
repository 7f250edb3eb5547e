package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.port.NarContentHasher;
import dev.cacheserver.domain.port.NarLocation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A {@link NarContentHasher} for local files: streams the file through its decompressor into SHA-256
 * ({@link NarStreamDigest}), never holding the NAR in memory.
 *
 * <p>Threading: hashing is CPU-bound and slow for xz (about 20 MB/s), so it runs on a small shared worker
 * pool of its own ({@value #POOL_NAME}) rather than on the Vert.x worker pool that file I/O needs. Calls
 * are unordered: two uploads hash in parallel up to the pool size. {@link #close()} releases the pool.
 */
public final class DecompressingNarContentHasher implements NarContentHasher {
    static final String POOL_NAME = "nar-hasher";
    private static final int DEFAULT_THREADS = 2;
    // A 1 GB xz NAR takes about a minute; the default 60 s limit would flood the log with blocked-thread warnings.
    private static final long MAX_EXECUTE_MINUTES = 60;

    private final WorkerExecutor executor;

    public DecompressingNarContentHasher(Vertx vertx) {
        this(vertx, DEFAULT_THREADS);
    }

    public DecompressingNarContentHasher(Vertx vertx, int threads) {
        this.executor = vertx.createSharedWorkerExecutor(POOL_NAME, threads, MAX_EXECUTE_MINUTES, TimeUnit.MINUTES);
    }

    @Override
    public CompletionStage<NarDigest> digest(NarLocation location, Compression compression) {
        if (location instanceof NarLocation.LocalFile local) {
            return executor.executeBlocking(() -> NarStreamDigest.of(local.path(), compression), false)
                    .toCompletionStage();
        }
        UnsupportedOperationException why =
                new UnsupportedOperationException("NarLocation." + location.getClass().getSimpleName());
        return CompletableFuture.failedFuture(
                new StorageException("cannot hash a NAR behind a redirect (not supported)", why));
    }

    /** Releases this instance's share of the worker pool. */
    public Future<Void> close() {
        return executor.close();
    }
}
