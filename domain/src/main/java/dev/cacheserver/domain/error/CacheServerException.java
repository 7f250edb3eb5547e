package dev.cacheserver.domain.error;

/**
 * Every failure the core reports. The HTTP adapter maps each subtype to one status; the message of a
 * client error is safe to show to the client, the message of {@link StorageException} never is.
 */
public abstract sealed class CacheServerException extends RuntimeException
        permits InvalidInputException, HashMismatchException, NotFoundException, AuthenticationException,
        PermissionDeniedException, ConflictException, PayloadTooLargeException, StorageFullException,
        UnavailableException, StorageException, NotSupportedException, UpstreamFailedException {

    protected CacheServerException(String message) {
        super(message);
    }

    protected CacheServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
