package dev.cacheserver.adapters.http.ops;

import dev.cacheserver.domain.error.Failures;
import dev.cacheserver.domain.error.AuthenticationException;
import dev.cacheserver.domain.error.ConflictException;
import dev.cacheserver.domain.error.HashMismatchException;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.error.PayloadTooLargeException;
import dev.cacheserver.domain.error.PermissionDeniedException;
import dev.cacheserver.domain.error.StorageFullException;
import dev.cacheserver.domain.error.UnavailableException;

/** The {@code reason} label of a rejected upload, from the failure (or, lacking one, the HTTP status). */
final class UploadRejection {
    static final String HASH_MISMATCH = "hash_mismatch";
    static final String INVALID = "invalid";
    static final String UNAUTHORIZED = "unauthorized";
    static final String NOT_FOUND = "not_found";
    static final String CONFLICT = "conflict";
    static final String TOO_LARGE = "too_large";
    static final String STORAGE_FULL = "storage_full";
    static final String UNAVAILABLE = "unavailable";
    static final String ABORTED = "aborted";
    static final String ERROR = "error";

    private UploadRejection() {
    }

    static String reason(Throwable failure) {
        Throwable e = Failures.cause(failure);
        if (e instanceof HashMismatchException) {
            return HASH_MISMATCH;
        } else if (e instanceof InvalidInputException) {
            return INVALID;
        } else if (e instanceof AuthenticationException || e instanceof PermissionDeniedException) {
            return UNAUTHORIZED;
        } else if (e instanceof NotFoundException) {
            return NOT_FOUND;
        } else if (e instanceof ConflictException) {
            return CONFLICT;
        } else if (e instanceof PayloadTooLargeException) {
            return TOO_LARGE;
        } else if (e instanceof StorageFullException) {
            return STORAGE_FULL;
        } else if (e instanceof UnavailableException) {
            return UNAVAILABLE;
        } else if (e != null && e.getClass().getSimpleName().contains("Closed")) {
            // Vert.x's HttpClosedException and friends: the client went away mid-upload.
            return ABORTED;
        }
        return ERROR;
    }

    static String reason(int status) {
        switch (status) {
            case 400:
                return INVALID;
            case 401:
            case 403:
                return UNAUTHORIZED;
            case 404:
                return NOT_FOUND;
            case 409:
                return CONFLICT;
            case 413:
                return TOO_LARGE;
            case 503:
                return UNAVAILABLE;
            case 507:
                return STORAGE_FULL;
            default:
                return ERROR;
        }
    }
}
