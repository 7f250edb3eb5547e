package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.error.StorageException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Flow;
import org.reactivestreams.FlowAdapters;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Reads NAR objects for downloads: ranged GETs streamed with the reader's demand, or a presigned GET URL the
 * client is redirected to.
 */
final class S3RangedReader {
    private static final Duration PRESIGNED_URL_LIFETIME = Duration.ofMinutes(15);

    private final S3AsyncClient s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final S3ErrorMapping errors;

    S3RangedReader(S3AsyncClient s3, S3Presigner presigner, String bucket, S3ErrorMapping errors) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.errors = errors;
    }

    /** A ranged GET, relayed with the subscriber's demand (the SDK reads no further than requested). */
    Flow.Publisher<ByteBuffer> read(String key, long offset, long length) {
        return subscriber -> {
            if (length <= 0) {
                subscriber.onSubscribe(EmptySubscription.INSTANCE);
                subscriber.onComplete();
                return;
            }
            String range = "bytes=" + offset + "-" + (offset + length - 1);
            s3.getObject(b -> b.bucket(bucket).key(key).range(range), AsyncResponseTransformer.toPublisher())
                    .whenComplete((response, e) -> {
                        if (e != null) {
                            subscriber.onSubscribe(EmptySubscription.INSTANCE);
                            subscriber.onError(S3ErrorMapping.isNoSuchKey(e)
                                    ? new StorageException("S3 object " + key + " vanished",
                                            S3ErrorMapping.rootCause(e))
                                    : errors.map("GET " + key, e));
                        } else {
                            FlowAdapters.toFlowPublisher(response).subscribe(subscriber);
                        }
                    });
        };
    }

    /** A GET URL of {@code key} valid for a quarter of an hour, signed with the storage's credentials. */
    URI presignedGet(String key) {
        try {
            return presigner.presignGetObject(p -> p.signatureDuration(PRESIGNED_URL_LIFETIME)
                    .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toURI();
        } catch (URISyntaxException e) {
            throw new StorageException("presigned URL for " + key + " is not a URI", e);
        }
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
