package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.error.UnavailableException;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.port.NarContentHasher;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.SpoolProgress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A {@link NarContentHasher} for every {@link NarLocation}: streams the local file, the relayed S3 object or
 * the presigned URL through its decompressor into SHA-256 ({@link NarStreamDigest}), never holding the NAR in
 * memory.
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

    // Longer than any S3 or HTTP hiccup that retries would cover; a stalled read fails the publish instead of hanging.
    private static final long STREAM_TIMEOUT_MILLIS = 120_000;

    // Followers mostly wait for the upload they follow, so they have threads of their own: they must not hold
    // the hashing pool while a slow client trickles its NAR in. When all are busy the narinfo hashes later.
    private static final int MAX_FOLLOWERS = 16;
    private static final long FOLLOW_STALL_MILLIS = 10 * 60_000;

    private final WorkerExecutor executor;
    private final ThreadPoolExecutor followers = new ThreadPoolExecutor(0, MAX_FOLLOWERS, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), DecompressingNarContentHasher::followerThread);
    private volatile HttpClient http;

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
        if (location instanceof NarLocation.Streamed streamed) {
            // Subscribed on the worker, so the stream's demand is driven by the decompressor reading it.
            return executor.executeBlocking(() -> NarStreamDigest.of(
                    new PublisherInputStream(streamed.source().open(0, streamed.size()), STREAM_TIMEOUT_MILLIS),
                    "stream", compression), false).toCompletionStage();
        }
        NarLocation.Redirect redirect = (NarLocation.Redirect) location;
        return executor.executeBlocking(() -> NarStreamDigest.of(get(redirect.uri()), "at a presigned URL",
                compression), false).toCompletionStage();
    }

    @Override
    public Optional<CompletionStage<NarDigest>> digestWhileWritten(SpoolProgress spool, Compression compression) {
        CompletableFuture<NarDigest> digest = new CompletableFuture<>();
        try {
            followers.execute(() -> {
                try {
                    digest.complete(NarStreamDigest.of(new FollowingInputStream(spool, FOLLOW_STALL_MILLIS),
                            "upload", compression));
                } catch (Throwable e) {
                    digest.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            return Optional.empty();
        }
        return Optional.of(digest);
    }

    private static Thread followerThread(Runnable task) {
        Thread thread = new Thread(task, "nar-upload-digest");
        thread.setDaemon(true);
        return thread;
    }

    /** A plain GET of a presigned URL (S3 with redirects): the server reads the NAR the way a client would. */
    private InputStream get(URI uri) throws InterruptedException {
        HttpResponse<InputStream> response;
        try {
            response = httpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(1)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UnavailableException("cannot read the stored NAR; retry later", e);
        }
        if (response.statusCode() != 200) {
            try (InputStream ignored = response.body()) {
                // drained and closed
            } catch (IOException e) {
                // the status is the news
            }
            throw new UnavailableException("GET of a stored NAR answered " + response.statusCode() + "; retry later");
        }
        return response.body();
    }

    /** Made on first use: only S3 storages with redirects need it, and it starts a thread of its own. */
    private HttpClient httpClient() {
        HttpClient client = http;
        if (client == null) {
            synchronized (this) {
                if (http == null) {
                    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
                }
                client = http;
            }
        }
        return client;
    }

    /** Releases this instance's share of the worker pool. */
    public Future<Void> close() {
        followers.shutdown();
        return executor.close();
    }
}
