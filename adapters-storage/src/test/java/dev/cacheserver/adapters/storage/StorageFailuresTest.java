package dev.cacheserver.adapters.storage;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.error.StorageFullException;
import io.vertx.core.file.FileSystemException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class StorageFailuresTest {

    @Test
    void diskFullBecomesStorageFullEvenWhenWrapped() {
        IOException enospc = new IOException("/srv/nars/.spool/upload-1.part: No space left on device");

        assertInstanceOf(StorageFullException.class, StorageFailures.wrap("publish", enospc));
        assertInstanceOf(StorageFullException.class,
                StorageFailures.wrap("publish", new CompletionException(new FileSystemException("write", enospc))));
    }

    @Test
    void anS3StoreOutOfSpaceOrQuotaIsFullOtherS3ErrorsAreNot() {
        assertTrue(StorageFailures.isS3Full(new CompletionException(s3Error(507, "XMinioStorageFull"))));
        assertTrue(StorageFailures.isS3Full(s3Error(403, "QuotaExceeded")));
        assertTrue(StorageFailures.isS3Full(s3Error(400, "XMinioAdminBucketQuotaExceeded")));
        assertTrue(!StorageFailures.isS3Full(s3Error(503, "SlowDown")));
        assertTrue(!StorageFailures.isS3Full(s3Error(403, "AccessDenied")));
        assertTrue(!StorageFailures.isS3Full(new IOException("connection refused")));
    }

    private static software.amazon.awssdk.services.s3.model.S3Exception s3Error(int status, String code) {
        return (software.amazon.awssdk.services.s3.model.S3Exception) software.amazon.awssdk.services.s3.model
                .S3Exception.builder().statusCode(status)
                .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder().errorCode(code)
                        .build()).build();
    }

    @Test
    void otherIoFailuresBecomeStorageExceptions() {
        assertInstanceOf(StorageException.class, StorageFailures.wrap("stat", new IOException("Input/output error")));
    }

    @Test
    void domainExceptionsPassThrough() {
        NotFoundException notFound = new NotFoundException("no such NAR");

        assertSame(notFound, StorageFailures.wrap("locate", new CompletionException(notFound)));
    }

    @Test
    void missingFilesAreRecognisedThroughVertxWrapping() {
        assertTrue(StorageFailures.isNoSuchFile(new FileSystemException("props", new NoSuchFileException("/x"))));
    }
}
