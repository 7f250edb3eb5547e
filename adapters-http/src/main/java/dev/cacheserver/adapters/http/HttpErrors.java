package dev.cacheserver.adapters.http;

import dev.cacheserver.domain.error.AuthenticationException;
import dev.cacheserver.domain.error.ConflictException;
import dev.cacheserver.domain.error.Failures;
import dev.cacheserver.domain.error.HashMismatchException;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.error.NotSupportedException;
import dev.cacheserver.domain.error.PayloadTooLargeException;
import dev.cacheserver.domain.error.PermissionDeniedException;
import dev.cacheserver.domain.error.StorageFullException;
import dev.cacheserver.domain.error.UnavailableException;
import dev.cacheserver.domain.error.UpstreamFailedException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one table from failures to HTTP answers. Client errors carry their message; anything else becomes a
 * 500 (or 503) whose body is only a reference id, with the details logged under that id.
 */
public final class HttpErrors {
    private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

    private HttpErrors() {
    }

    /** A status and a client-safe message. */
    public record Answer(int status, String message, boolean retryable) {
    }

    public static Answer answer(Throwable failure) {
        Throwable e = unwrap(failure);
        // Java 17 has no pattern switch; the order below is the whole table.
        if (e instanceof InvalidInputException || e instanceof HashMismatchException) {
            return new Answer(400, e.getMessage(), false);
        } else if (e instanceof AuthenticationException) {
            return new Answer(401, e.getMessage(), false);
        } else if (e instanceof PermissionDeniedException) {
            return new Answer(403, e.getMessage(), false);
        } else if (e instanceof NotFoundException) {
            return new Answer(404, e.getMessage(), false);
        } else if (e instanceof ConflictException) {
            return new Answer(409, e.getMessage(), false);
        } else if (e instanceof PayloadTooLargeException) {
            return new Answer(413, e.getMessage(), false);
        } else if (e instanceof StorageFullException) {
            return new Answer(507, "no storage can take this NAR: " + e.getMessage(), false);
        } else if (e instanceof NotSupportedException) {
            return new Answer(501, e.getMessage(), false);
        } else if (e instanceof UnavailableException) {
            return new Answer(503, e.getMessage(), true);
        } else if (e instanceof UpstreamFailedException upstream) {
            return new Answer(upstream.timedOut() ? 504 : 502, e.getMessage(), true);
        }
        if (isDiskFull(e)) {
            // A write no storage adapter translated (e.g. a Cachix part spooled under the data directory).
            LOG.warn("upload refused: no space left on device", e);
            return new Answer(507, "no space left on the server's disk for this upload", false);
        }
        return internal(e);
    }

    private static boolean isDiskFull(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException && String.valueOf(t.getMessage()).contains("No space left on device")) {
                return true;
            }
        }
        return false;
    }

    private static Answer internal(Throwable e) {
        String ref = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("internal error, ref {}", ref, e);
        return new Answer(500, "internal server error (ref " + ref + ")", false);
    }

    static Throwable unwrap(Throwable e) {
        return Failures.cause(e);
    }
}
