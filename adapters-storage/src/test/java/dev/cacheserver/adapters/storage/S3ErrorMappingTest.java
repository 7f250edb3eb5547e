package dev.cacheserver.adapters.storage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.error.HashMismatchException;
import dev.cacheserver.domain.error.StorageFullException;
import dev.cacheserver.domain.error.UnavailableException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** What S3's failures become, built as the SDK delivers them (wrapped in CompletionException). */
class S3ErrorMappingTest {
    private final S3ErrorMapping mapping = new S3ErrorMapping("archive", "nars-bucket");

    private static Throwable s3(int status, String code, String message) {
        return new CompletionException(S3Exception.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build());
    }

    @Test
    void outOfSpaceOrQuotaIsStorageFull() {
        for (Throwable full : new Throwable[] {s3(507, "InsufficientStorage", "no room"),
                s3(507, "XMinioStorageFull", "minio full"), s3(403, "QuotaExceeded", "ceph quota"),
                s3(400, "XMinioAdminBucketQuotaExceeded", "bucket quota")}) {
            StorageFullException mapped = assertInstanceOf(StorageFullException.class, mapping.map("PUT k", full));
            assertEquals("storage archive (S3) is full or over its quota", mapped.getMessage());
        }
    }

    @Test
    void everyOtherFailureIsUnavailableAndTheMessageNamesOnlyTheStorage() {
        for (Throwable other : new Throwable[] {s3(503, "SlowDown", "secret-host-detail"),
                s3(403, "AccessDenied", "key AKIA... denied"), new CompletionException(new ConnectException("refused"))}) {
            UnavailableException mapped = assertInstanceOf(UnavailableException.class, mapping.map("GET k", other));
            assertEquals("storage archive (S3) is unavailable; retry later", mapped.getMessage());
        }
    }

    @Test
    void aFailureAlreadyTheServersIsKept() {
        HashMismatchException mismatch = new HashMismatchException("FileHash differs");

        assertSame(mismatch, mapping.map("PUT k", new CompletionException(new CompletionException(mismatch))));
    }

    @Test
    void noSuchKeyIsRecognisedByTypeOrByStatus() {
        assertTrue(S3ErrorMapping.isNoSuchKey(new CompletionException(NoSuchKeyException.builder().build())));
        assertTrue(S3ErrorMapping.isNoSuchKey(s3(404, "NotFound", "HEAD has no body")));
        assertFalse(S3ErrorMapping.isNoSuchKey(s3(403, "AccessDenied", "denied")));
    }
}
