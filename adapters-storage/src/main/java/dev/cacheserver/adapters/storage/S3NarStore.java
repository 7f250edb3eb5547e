package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.error.CacheServerException;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.error.StorageFullException;
import dev.cacheserver.domain.error.UnavailableException;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.NarStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Function;
import org.reactivestreams.FlowAdapters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.FileRequestBodyConfiguration;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A {@link NarStore} in an S3 bucket (AWS or any S3-compatible store), through the AWS SDK v2 async client.
 * NARs are objects {@code <prefix><nar file name>}. Uploads are spooled to a local directory first (their
 * FileHash must be checked before anything is published), then sent with one PUT, or as a multipart upload
 * above the part size; either way the object appears under its final key only when complete. Reads are
 * streamed through the server with ranged GETs, or redirected to a presigned GET URL when configured.
 *
 * <p>Every failure of S3 itself (network, 5xx, throttling, access denied) is an {@link UnavailableException}
 * (HTTP 503 with Retry-After), except "out of space or quota" (HTTP 507 or MinIO's and Ceph's codes), which is a
 * {@link StorageFullException} (507); its message names the storage only, the details go to the log. Never blocks the
 * caller; SDK callbacks complete the stages on SDK threads.
 */
public final class S3NarStore implements NarStore, SizedLocator {
    private static final Logger LOG = LoggerFactory.getLogger(S3NarStore.class);
    private static final Duration PRESIGNED_URL_LIFETIME = Duration.ofMinutes(15);
    private static final int MAX_PARTS = 10_000;
    /** The most keys one ListObjectsV2 call returns. */
    private static final int LIST_PAGE = 1000;
    // Parts in flight per multipart upload: enough to fill a link without one NAR hogging the client.
    private static final int PARALLEL_PARTS = 4;

    private final Vertx vertx;
    private final S3StoreOptions options;
    private final SpoolFiles spool;
    private final S3AsyncClient s3;
    private final SdkAsyncHttpClient http;
    private final S3Presigner presigner;

    private S3NarStore(Vertx vertx, S3StoreOptions options, Path spoolDirectory, S3AsyncClient s3,
                       SdkAsyncHttpClient http, S3Presigner presigner) {
        this.vertx = vertx;
        this.options = options;
        this.spool = new SpoolFiles(vertx, spoolDirectory, "S3 storage " + options.name());
        this.s3 = s3;
        this.http = http;
        this.presigner = presigner;
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
            SdkAsyncHttpClient http = httpClient(options.httpClient());
            AwsCredentialsProvider credentials = credentials(options);
            Region region = Region.of(options.region().orElse("us-east-1"));
            var builder = S3AsyncClient.builder().httpClient(http).region(region).credentialsProvider(credentials)
                    .forcePathStyle(options.pathStyle())
                    // S3-compatible stores differ in their support of the newer checksum trailers.
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            options.endpoint().ifPresent(builder::endpointOverride);
            var presignerBuilder = S3Presigner.builder().region(region).credentialsProvider(credentials)
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(options.pathStyle()).build());
            options.endpoint().ifPresent(presignerBuilder::endpointOverride);
            return new S3NarStore(vertx, options, spool, builder.build(), http, presignerBuilder.build());
        }, false).recover(e -> Future.failedFuture(StorageFailures.wrap("cannot create S3 client for " + options, e)))
                .compose(store -> Future.fromCompletionStage(store.checkBucket()).map(store)
                        .recover(e -> {
                            store.close();
                            return Future.failedFuture(e);
                        }));
    }

    private static SdkAsyncHttpClient httpClient(S3StoreOptions.HttpClientKind kind) {
        if (kind == S3StoreOptions.HttpClientKind.CRT) {
            try {
                return AwsCrtAsyncHttpClient.builder().maxConcurrency(64).build();
            } catch (RuntimeException | LinkageError e) {
                // The CRT natives are unpacked to java.io.tmpdir; a noexec tmp or an odd platform stops them.
                LOG.warn("AWS CRT HTTP client unavailable ({}); using the Netty client", e.toString());
            }
        }
        return NettyNioAsyncHttpClient.builder().maxConcurrency(64).build();
    }

    private static AwsCredentialsProvider credentials(S3StoreOptions options) {
        if (options.accessKey().isPresent() && options.secretKey().isPresent()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(options.accessKey().get(), options.secretKey().get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /** Whether the bucket answers a HEAD (at open, and for readiness checks); fails with UnavailableException. */
    public CompletionStage<Void> checkBucket() {
        return s3.headBucket(b -> b.bucket(options.bucket())).handle((ok, e) -> {
            if (e != null) {
                throw new CompletionException(unavailable("cannot reach bucket " + options.bucket(), e));
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
                        : upload(source, key, props.size())))
                .thenCompose(uploaded -> discard(source)));
    }

    private CompletionStage<Void> upload(Path source, String key, long size) {
        if (size <= options.partSize()) {
            return s3.putObject(b -> b.bucket(options.bucket()).key(key).contentLength(size)
                            .contentType("application/x-nix-nar"), AsyncRequestBody.fromFile(source))
                    .handle((response, e) -> {
                        if (e != null) {
                            throw new CompletionException(unavailable("PUT " + key, e));
                        }
                        return null;
                    });
        }
        long partSize = Math.max(options.partSize(), (size + MAX_PARTS - 1) / MAX_PARTS);
        return new MultipartUpload(source, key, size, partSize).run();
    }

    /** One multipart upload: parts go up {@value #PARALLEL_PARTS} at a time; any failure aborts it. */
    private final class MultipartUpload {
        private final Path source;
        private final String key;
        private final long size;
        private final long partSize;
        private final int partCount;
        private final CompletedPart[] done;
        private String uploadId;

        MultipartUpload(Path source, String key, long size, long partSize) {
            this.source = source;
            this.key = key;
            this.size = size;
            this.partSize = partSize;
            this.partCount = (int) ((size + partSize - 1) / partSize);
            this.done = new CompletedPart[partCount];
        }

        CompletionStage<Void> run() {
            return s3.createMultipartUpload(b -> b.bucket(options.bucket()).key(key).contentType("application/x-nix-nar"))
                    .thenCompose(created -> {
                        uploadId = created.uploadId();
                        return partsFrom(1);
                    })
                    .thenCompose(parts -> s3.completeMultipartUpload(b -> b.bucket(options.bucket()).key(key)
                            .uploadId(uploadId).multipartUpload(m -> m.parts(done))))
                    .<Void>thenApply(completed -> null)
                    .exceptionallyCompose(e -> abort().handle((aborted, ignored) -> {
                        throw new CompletionException(unavailable("multipart upload of " + key, e));
                    }));
        }

        private CompletionStage<Void> partsFrom(int first) {
            if (first > partCount) {
                return CompletableFuture.completedFuture(null);
            }
            int last = Math.min(partCount, first + PARALLEL_PARTS - 1);
            List<CompletableFuture<?>> window = new ArrayList<>();
            for (int part = first; part <= last; part++) {
                window.add(part(part));
            }
            return CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).thenCompose(v -> partsFrom(last + 1));
        }

        private CompletableFuture<Void> part(int number) {
            long offset = (number - 1) * partSize;
            long length = Math.min(partSize, size - offset);
            AsyncRequestBody body = AsyncRequestBody.fromFile(FileRequestBodyConfiguration.builder()
                    .path(source).position(offset).numBytesToRead(length).build());
            return s3.uploadPart(b -> b.bucket(options.bucket()).key(key).uploadId(uploadId).partNumber(number)
                            .contentLength(length), body)
                    .thenAccept(r -> done[number - 1] = CompletedPart.builder().partNumber(number).eTag(r.eTag()).build());
        }

        private CompletionStage<?> abort() {
            if (uploadId == null) {
                return CompletableFuture.completedFuture(null);
            }
            return s3.abortMultipartUpload(b -> b.bucket(options.bucket()).key(key).uploadId(uploadId))
                    .exceptionally(e -> {
                        LOG.warn("S3 storage {}: cannot abort multipart upload {} of {}: {}", options.name(), uploadId,
                                key, rootCause(e).toString());
                        return null;
                    });
        }
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
            return new NarLocation.Redirect(presignedGet(key), size);
        }
        return new NarLocation.Streamed(size, (offset, length) -> read(key, offset, length));
    }

    private URI presignedGet(String key) {
        try {
            return presigner.presignGetObject(p -> p.signatureDuration(PRESIGNED_URL_LIFETIME)
                    .getObjectRequest(g -> g.bucket(options.bucket()).key(key))).url().toURI();
        } catch (URISyntaxException e) {
            throw new StorageException("presigned URL for " + key + " is not a URI", e);
        }
    }

    /** A ranged GET, relayed with the subscriber's demand (the SDK reads no further than requested). */
    private Flow.Publisher<ByteBuffer> read(String key, long offset, long length) {
        return subscriber -> {
            if (length <= 0) {
                subscriber.onSubscribe(EmptySubscription.INSTANCE);
                subscriber.onComplete();
                return;
            }
            String range = "bytes=" + offset + "-" + (offset + length - 1);
            s3.getObject(b -> b.bucket(options.bucket()).key(key).range(range), AsyncResponseTransformer.toPublisher())
                    .whenComplete((response, e) -> {
                        if (e != null) {
                            subscriber.onSubscribe(EmptySubscription.INSTANCE);
                            subscriber.onError(isNoSuchKey(e)
                                    ? new StorageException("S3 object " + key + " vanished", rootCause(e))
                                    : unavailable("GET " + key, e));
                        } else {
                            FlowAdapters.toFlowPublisher(response).subscribe(subscriber);
                        }
                    });
        };
    }

    @Override
    public CompletionStage<Boolean> delete(NarFile file) {
        String key = key(file);
        return head(key).thenCompose(size -> size.isEmpty() ? CompletableFuture.completedFuture(false)
                : s3.deleteObject(b -> b.bucket(options.bucket()).key(key)).handle((r, e) -> {
                    if (e != null) {
                        throw new CompletionException(unavailable("DELETE " + key, e));
                    }
                    return true;
                }));
    }

    /** Lists the bucket prefix, page by page (no 1000-object ceiling), summing as it goes: costly, per call. */
    @Override
    public CompletionStage<StorageUsage> usage() {
        long[] total = new long[2];
        return walk(LIST_PAGE, page -> {
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
        return listFrom(null, Math.max(1, Math.min(pageSize, LIST_PAGE)), visitor);
    }

    private CompletionStage<Void> listFrom(String token, int pageSize,
                                           Function<List<StoredNar>, CompletionStage<Void>> visitor) {
        return s3.listObjectsV2(b -> b.bucket(options.bucket()).prefix(options.keyPrefix()).maxKeys(pageSize)
                        .continuationToken(token))
                .handle((response, e) -> {
                    if (e != null) {
                        throw new CompletionException(unavailable("LIST " + options.keyPrefix(), e));
                    }
                    return response;
                })
                .thenCompose(response -> {
                    List<StoredNar> page = new ArrayList<>(response.contents().size());
                    for (S3Object object : response.contents()) {
                        narFileOf(object).ifPresent(file -> page.add(new StoredNar(file, object.size(),
                                object.lastModified())));
                    }
                    CompletionStage<Void> visited = page.isEmpty() ? CompletableFuture.completedFuture(null)
                            : visitor.apply(page);
                    boolean more = Boolean.TRUE.equals(response.isTruncated()) && response.nextContinuationToken() != null;
                    return more ? visited.thenCompose(v -> listFrom(response.nextContinuationToken(), pageSize, visitor))
                            : visited;
                });
    }

    private Optional<NarFile> narFileOf(S3Object object) {
        String name = object.key().substring(options.keyPrefix().length());
        if (name.contains("/")) {
            return Optional.empty();
        }
        try {
            return Optional.of(NarFile.parseFileName(name));
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
    }

    /** The object's size, or empty when there is none. */
    private CompletionStage<java.util.OptionalLong> head(String key) {
        return s3.headObject(b -> b.bucket(options.bucket()).key(key)).handle((response, e) -> {
            if (e == null) {
                return java.util.OptionalLong.of(response.contentLength());
            }
            if (isNoSuchKey(e)) {
                return java.util.OptionalLong.empty();
            }
            throw new CompletionException(unavailable("HEAD " + key, e));
        });
    }

    /** Closes the SDK client and its HTTP client. */
    public void close() {
        presigner.close();
        s3.close();
        http.close();
    }

    private CacheServerException unavailable(String what, Throwable failure) {
        Throwable cause = rootCause(failure);
        if (cause instanceof CacheServerException known) {
            return known;
        }
        LOG.warn("S3 storage {} (bucket {}): {} failed: {}", options.name(), options.bucket(), what, cause.toString());
        if (StorageFailures.isS3Full(cause)) {
            return new StorageFullException("storage " + options.name() + " (S3) is full or over its quota", cause);
        }
        return new UnavailableException("storage " + options.name() + " (S3) is unavailable; retry later", cause);
    }

    private static boolean isNoSuchKey(Throwable e) {
        Throwable cause = rootCause(e);
        return cause instanceof NoSuchKeyException
                || cause instanceof S3Exception s3e && s3e.statusCode() == 404;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private enum EmptySubscription implements Flow.Subscription {
        INSTANCE;

        @Override
        public void request(long n) {
        }

        @Override
        public void cancel() {
        }
    }
}
