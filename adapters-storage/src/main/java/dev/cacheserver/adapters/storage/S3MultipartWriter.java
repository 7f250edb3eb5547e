package dev.cacheserver.adapters.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.FileRequestBodyConfiguration;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Sends a spooled NAR to its object key: one PUT up to the part size, a multipart upload above it (parts read
 * from the file at their offsets, {@value #PARALLEL_PARTS} in flight). Either way the object appears under its
 * key only when complete; a failed multipart upload is aborted so no parts are left billed.
 */
final class S3MultipartWriter {
    // Under the name it always logged as: operators filter on it.
    private static final Logger LOG = LoggerFactory.getLogger(S3NarStore.class);
    private static final int MAX_PARTS = 10_000;
    // Parts in flight per multipart upload: enough to fill a link without one NAR hogging the client.
    private static final int PARALLEL_PARTS = 4;
    private static final String NAR_TYPE = "application/x-nix-nar";

    private final S3AsyncClient s3;
    private final S3StoreOptions options;
    private final S3ErrorMapping errors;

    S3MultipartWriter(S3AsyncClient s3, S3StoreOptions options, S3ErrorMapping errors) {
        this.s3 = s3;
        this.options = options;
        this.errors = errors;
    }

    /** Uploads the {@code size} bytes of {@code source} as {@code key}. */
    CompletionStage<Void> upload(Path source, String key, long size) {
        if (size <= options.partSize()) {
            return s3.putObject(b -> b.bucket(options.bucket()).key(key).contentLength(size).contentType(NAR_TYPE),
                            AsyncRequestBody.fromFile(source))
                    .handle((response, e) -> {
                        if (e != null) {
                            throw new CompletionException(errors.map("PUT " + key, e));
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
            return s3.createMultipartUpload(b -> b.bucket(options.bucket()).key(key).contentType(NAR_TYPE))
                    .thenCompose(created -> {
                        uploadId = created.uploadId();
                        return partsFrom(1);
                    })
                    .thenCompose(parts -> s3.completeMultipartUpload(b -> b.bucket(options.bucket()).key(key)
                            .uploadId(uploadId).multipartUpload(m -> m.parts(done))))
                    .<Void>thenApply(completed -> null)
                    .exceptionallyCompose(e -> abort().handle((aborted, ignored) -> {
                        throw new CompletionException(errors.map("multipart upload of " + key, e));
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
                                key, S3ErrorMapping.rootCause(e).toString());
                        return null;
                    });
        }
    }
}
