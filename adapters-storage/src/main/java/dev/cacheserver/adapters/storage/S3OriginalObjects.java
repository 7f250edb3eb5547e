package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.error.Failures;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.port.OriginalS3Objects;
import dev.cacheserver.domain.port.OriginalServerArchive.FileDigest;
import dev.cacheserver.domain.port.OriginalServerArchive.OriginalS3Storage;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@link OriginalS3Objects} with the AWS SDK: one client per set of credentials, an object streamed to its file by
 * the SDK, then hashed on a worker. The original spoke only to AWS (no endpoint setting); {@code endpoint}
 * (path-style) reaches an S3-compatible server holding a copy of its buckets. {@link #close()} when done.
 */
public final class S3OriginalObjects implements OriginalS3Objects, AutoCloseable {
    private static final List<Compression> ORIGINAL_COMPRESSIONS = List.of(Compression.XZ, Compression.ZSTD);
    private final Vertx vertx;
    private final Optional<URI> endpoint;
    private final Map<String, S3AsyncClient> clients = new ConcurrentHashMap<>();

    public S3OriginalObjects(Vertx vertx, Optional<URI> endpoint) {
        this.vertx = vertx;
        this.endpoint = endpoint;
    }

    /** Tries the key as the original joined it, then without a leading slash (a root given as an absolute path). */
    @Override
    public CompletionStage<Optional<S3Nar>> locate(OriginalS3Storage storage, String fileHash) {
        String key = storage.keyPrefix() + fileHash;
        List<String> keys = key.startsWith("/") ? List.of(key, key.substring(1)) : List.of(key);
        CompletionStage<Optional<S3Nar>> found = CompletableFuture.completedFuture(Optional.empty());
        for (String candidate : keys) {
            for (Compression compression : ORIGINAL_COMPRESSIONS) {
                found = found.thenCompose(hit -> hit.isPresent() ? CompletableFuture.completedFuture(hit)
                        : head(storage, candidate + compression.extension(), compression));
            }
        }
        return found;
    }

    private CompletionStage<Optional<S3Nar>> head(OriginalS3Storage storage, String key, Compression compression) {
        return client(storage).headObject(b -> b.bucket(storage.bucket()).key(key)).handle((head, e) -> {
            if (e == null) {
                return Optional.of(new S3Nar(storage, key, head.contentLength(), compression));
            }
            if (isNotFound(e)) {
                return Optional.<S3Nar>empty();
            }
            throw new CompletionException(StorageFailures.wrap("cannot read " + key + " in " + storage, e));
        });
    }

    @Override
    public CompletionStage<FileDigest> copy(S3Nar nar, Path target) {
        return client(nar.storage())
                .getObject(b -> b.bucket(nar.storage().bucket()).key(nar.key()),
                        AsyncResponseTransformer.toFile(target, software.amazon.awssdk.core.FileTransformerConfiguration
                                .defaultCreateOrReplaceExisting()))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                        StorageFailures.wrap("cannot read " + nar.key() + " in " + nar.storage(), e)))
                .thenCompose(response -> vertx.executeBlocking(() -> digest(target), false).toCompletionStage());
    }

    private static FileDigest digest(Path file) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        long size = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha256.update(buffer, 0, n);
                size += n;
            }
        }
        return new FileDigest(new NixHash(sha256.digest()), size);
    }

    private S3AsyncClient client(OriginalS3Storage storage) {
        String id = storage.region().orElse("") + "\n" + storage.accessKey() + "\n" + storage.secretKey();
        return clients.computeIfAbsent(id, k -> {
            var builder = S3AsyncClient.builder().httpClientBuilder(NettyNioAsyncHttpClient.builder())
                    .region(Region.of(storage.region().orElse("us-east-1")))
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(storage.accessKey(), storage.secretKey())))
                    .forcePathStyle(endpoint.isPresent())
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            endpoint.ifPresent(builder::endpointOverride);
            return builder.build();
        });
    }

    private static boolean isNotFound(Throwable e) {
        Throwable t = Failures.cause(e);
        return t instanceof NoSuchKeyException || t instanceof S3Exception s3 && s3.statusCode() == 404;
    }

    @Override
    public void close() {
        clients.values().forEach(S3AsyncClient::close);
        clients.clear();
    }
}
