package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.error.Failures;
import dev.cacheserver.domain.error.CacheServerException;
import dev.cacheserver.domain.error.StorageFullException;
import dev.cacheserver.domain.error.UnavailableException;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What a failure of one S3 storage means to the server: out of space or quota (HTTP 507, MinIO's and Ceph's
 * codes) is a {@link StorageFullException}; anything else of S3's (network, 5xx, throttling, access denied) an
 * {@link UnavailableException} (retry later). The message names the storage only; the details go to the log.
 */
final class S3ErrorMapping {
    // Under the name it always logged as: operators filter on it.
    private static final Logger LOG = LoggerFactory.getLogger(S3NarStore.class);
    private final String storage;
    private final String bucket;

    S3ErrorMapping(String storage, String bucket) {
        this.storage = storage;
        this.bucket = bucket;
    }

    /** The server's error for {@code what} failing with {@code failure}; one already the server's is kept. */
    CacheServerException map(String what, Throwable failure) {
        Throwable cause = rootCause(failure);
        if (cause instanceof CacheServerException known) {
            return known;
        }
        LOG.warn("S3 storage {} (bucket {}): {} failed: {}", storage, bucket, what, cause.toString());
        if (StorageFailures.isS3Full(cause)) {
            return new StorageFullException("storage " + storage + " (S3) is full or over its quota", cause);
        }
        return new UnavailableException("storage " + storage + " (S3) is unavailable; retry later", cause);
    }

    /** True when S3 said there is no such object. */
    static boolean isNoSuchKey(Throwable e) {
        Throwable cause = rootCause(e);
        return cause instanceof NoSuchKeyException
                || cause instanceof S3Exception s3e && s3e.statusCode() == 404;
    }

    /** The failure inside the SDK's CompletionException wrappers. */
    static Throwable rootCause(Throwable e) {
        return Failures.cause(e);
    }
}
