package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.error.Failures;
import dev.cacheserver.domain.error.CacheServerException;
import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.error.StorageFullException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Set;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Maps I/O failures (raw, or wrapped by Vert.x or futures) to the domain's storage errors. */
final class StorageFailures {
    private static final String DISK_FULL = "No space left on device";
    private static final Set<String> S3_FULL_CODES = Set.of("XMinioStorageFull", "XMinioAdminBucketQuotaExceeded",
            "QuotaExceeded", "InsufficientStorage");

    private StorageFailures() {
    }

    /** {@code what} names the operation for the log; it is never shown to clients. */
    static CacheServerException wrap(String what, Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof CacheServerException known) {
            return known;
        }
        if (isDiskFull(t)) {
            // The message reaches clients (507); the path is in the OS message of the cause, for the log.
            return new StorageFullException("no space left on device", t);
        }
        return new StorageException(what + ": " + t, t);
    }

    static boolean isNoSuchFile(Throwable failure) {
        return hasCause(failure, NoSuchFileException.class);
    }

    static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code failure} (or a cause) is the operating system's ENOSPC. */
    static boolean isDiskFull(Throwable failure) {
        // ENOSPC has no exception type of its own in java.nio; the OS message is all there is.
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException && t.getMessage() != null && t.getMessage().contains(DISK_FULL)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether an S3 error says the store is out of space or over quota: HTTP 507, or the codes MinIO
     * ({@code XMinioStorageFull}, {@code XMinioAdminBucketQuotaExceeded}) and Ceph RGW ({@code QuotaExceeded}) send.
     */
    static boolean isS3Full(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof S3Exception s3) {
                String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
                return s3.statusCode() == 507 || S3_FULL_CODES.contains(String.valueOf(code));
            }
        }
        return false;
    }

    private static Throwable unwrap(Throwable failure) {
        return Failures.cause(failure);
    }
}
