package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.error.CacheServerException;
import dev.cacheserver.domain.error.StorageFullException;
import dev.cacheserver.domain.error.UnavailableException;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.NarStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A {@link NarStore} in an S3 bucket (AWS or any S3-compatible store), through the AWS SDK v2 async client
 * ({@link S3Clients}). NARs are objects {@code <prefix><nar file name>}. Uploads are spooled to a local directory
 * first (their FileHash must be checked before anything is published), then sent by the {@link S3MultipartWriter};
 * reads are streamed with ranged GETs or redirected to a presigned URL ({@link S3RangedReader}); listing goes
 * page by page ({@link S3Listing}).
 *
 * <p>Every failure of S3 itself is an {@link UnavailableException} (HTTP 503 with Retry-After), except "out of
 * space or quota", which is a {@link StorageFullException} (507): see {@link S3ErrorMapping}. Never blocks the
 * caller; SDK callbacks complete the stages on SDK threads.
 */
public final class S3NarStore implements NarStore, SizedLocator {
    private final Vertx vertx;
    private final S3StoreOptions options;
    private final SpoolFiles spool;
    private final S3Clients clients;
    private final S3ErrorMapping errors;
    private final S3MultipartWriter writer;
    private final S3RangedReader reader;
    private final S3Listing listing;

    private S3NarStore(Vertx vertx, S3StoreOptions options, Path spoolDirectory, S3Clients clients) {
        this.vertx = vertx;
        this.options = options;
        this.spool = new SpoolFiles(vertx, spoolDirectory, "S3 storage " + options.name());
        this.clients = clients;
        this.errors = new S3ErrorMapping(options.name(), options.bucket());
        this.writer = new S3MultipartWriter(clients.s3(), options, errors);
        this.reader = new S3RangedReader(clients.s3(), clients.presigner(), options.bucket(), errors);
        this.listing = new S3Listing(clients.s3(), options, errors);
    }

    /**
     * Builds the client, creates {@code spoolDirectory} (emptying it of files left by a crash) and checks that
     * the bucket answers; an unreachable bucket fails the open with an {@link UnavailableException}.
     */
    public static Future<S3NarStore> open(Vertx vertx, S3StoreOptions options, Path spoolDirectory) {
        Path spool = spoolDirectory.toAbsolutePath().normalize();
        return vertx.executeBlocking(() -> {
            Files.createDirectories(spool);
            try (var entries = Files.newDirectoryStream(spool)) {
                for (Path entry : entries) {
                    Files.deleteIfExists(entry);
                }
            }
            return new S3NarStore(vertx, options, spool, S3Clients.build(options));
        }, false).recover(e -> Future.failedFuture(StorageFailures.wrap("cannot create S3 client for " + options, e)))
                .compose(store -> Future.fromCompletionStage(store.checkBucket()).map(store)
                        .recover(e -> {
                            store.close();
                            return Future.failedFuture(e);
                        }));
    }

    /** Whether the bucket answers a HEAD (at open, and for readiness checks); fails with UnavailableException. */
    public CompletionStage<Void> checkBucket() {
        return clients.s3().headBucket(b -> b.bucket(options.bucket())).handle((ok, e) -> {
            if (e != null) {
                throw new CompletionException(errors.map("cannot reach bucket " + options.bucket(), e));
            }
            return null;
        });
    }

    public S3StoreOptions options() {
        return options;
    }

    /** The object key of a NAR file. */
    public String key(NarFile file) {
        return options.keyPrefix() + file.fileName();
    }

    @Override
    public CompletionStage<Path> createSpoolFile() {
        return spool.create();
    }

    @Override
    public CompletionStage<Void> publish(Path spool, NarFile file) {
        String key = key(file);
        return this.spool.withOwn(spool, source -> vertx.fileSystem().props(source.toString())
                .recover(e -> Future.failedFuture(StorageFailures.wrap("cannot stat spool file " + source, e)))
                .toCompletionStage()
                .thenCompose(props -> head(key).thenCompose(existing -> existing.isPresent()
                        // Same key means same file hash: the stored object is as good as this upload.
                        ? CompletableFuture.<Void>completedFuture(null)
                        : writer.upload(source, key, props.size())))
                .thenCompose(uploaded -> discard(source)));
    }

    @Override
    public CompletionStage<Void> discard(Path spool) {
        return this.spool.delete(spool);
    }

    @Override
    public CompletionStage<Optional<NarLocation>> locate(NarFile file) {
        return head(key(file)).thenApply(size -> size.isPresent()
                ? Optional.of(locationOf(file, size.getAsLong())) : Optional.empty());
    }

    @Override
    public NarLocation locationOf(NarFile file, long size) {
        String key = key(file);
        if (options.redirect()) {
            return new NarLocation.Redirect(reader.presignedGet(key), size);
        }
        return new NarLocation.Streamed(size, (offset, length) -> reader.read(key, offset, length));
    }

    @Override
    public CompletionStage<Boolean> delete(NarFile file) {
        String key = key(file);
        return head(key).thenCompose(size -> size.isEmpty() ? CompletableFuture.completedFuture(false)
                : clients.s3().deleteObject(b -> b.bucket(options.bucket()).key(key)).handle((r, e) -> {
                    if (e != null) {
                        throw new CompletionException(errors.map("DELETE " + key, e));
                    }
                    return true;
                }));
    }

    /** Lists the bucket prefix, page by page (no 1000-object ceiling), summing as it goes: costly, per call. */
    @Override
    public CompletionStage<StorageUsage> usage() {
        long[] total = new long[2];
        return walk(S3Listing.LIST_PAGE, page -> {
            page.forEach(nar -> {
                total[0] += nar.size();
                total[1]++;
            });
            return CompletableFuture.completedFuture(null);
        }).thenApply(v -> new StorageUsage(total[0], total[1]));
    }

    /** One ListObjectsV2 call per page, continued with its continuation token: S3 sorts by key. */
    @Override
    public CompletionStage<Void> walk(int pageSize, Function<List<StoredNar>, CompletionStage<Void>> visitor) {
        return listing.walk(pageSize, visitor);
    }

    /** The object's size, or empty when there is none. */
    private CompletionStage<OptionalLong> head(String key) {
        return clients.s3().headObject(b -> b.bucket(options.bucket()).key(key)).handle((response, e) -> {
            if (e == null) {
                return OptionalLong.of(response.contentLength());
            }
            if (S3ErrorMapping.isNoSuchKey(e)) {
                return OptionalLong.empty();
            }
            CacheServerException mapped = errors.map("HEAD " + key, e);
            throw new CompletionException(mapped);
        });
    }

    /** Closes the SDK client and its HTTP client. */
    public void close() {
        clients.close();
    }
}
