package dev.cacheserver.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.error.AuthenticationException;
import dev.cacheserver.domain.error.ConflictException;
import dev.cacheserver.domain.error.HashMismatchException;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.error.NotSupportedException;
import dev.cacheserver.domain.error.PayloadTooLargeException;
import dev.cacheserver.domain.error.PermissionDeniedException;
import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.error.UnavailableException;
import dev.cacheserver.domain.error.UpstreamFailedException;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The one table from failures to statuses: what a client is told, and what it is not. */
class HttpErrorsTest {

    @Test
    void clientErrorsKeepTheirMessage() {
        assertAnswer(400, "bad", new InvalidInputException("bad"));
        assertAnswer(400, "mismatch", new HashMismatchException("mismatch"));
        assertAnswer(401, "who", new AuthenticationException("who"));
        assertAnswer(403, "no", new PermissionDeniedException("no"));
        assertAnswer(404, "gone", new NotFoundException("gone"));
        assertAnswer(409, "taken", new ConflictException("taken"));
        assertAnswer(413, "big", new PayloadTooLargeException("big"));
        assertAnswer(501, "never", new NotSupportedException("never"));
    }

    @Test
    void onlyTransientFailuresAreRetryable() {
        HttpErrors.Answer busy = HttpErrors.answer(new UnavailableException("busy"));
        assertEquals(503, busy.status());
        assertTrue(busy.retryable());
        assertFalse(HttpErrors.answer(new InvalidInputException("bad")).retryable());
        assertFalse(HttpErrors.answer(new IllegalStateException("bug")).retryable());
    }

    @Test
    void failuresInsideFutureWrappersAreMappedByWhatFailed() {
        assertAnswer(404, "gone", new CompletionException(new ExecutionException(new NotFoundException("gone"))));
    }

    @Test
    void internalFailuresShowOnlyAReference() {
        for (Throwable internal : new Throwable[] {new IllegalStateException("/var/lib/secret"),
                new StorageException("jdbc:sqlite:/var/lib/secret"), new CompletionException(new NullPointerException())}) {
            HttpErrors.Answer answer = HttpErrors.answer(internal);
            assertEquals(500, answer.status());
            assertTrue(answer.message().matches("internal server error \\(ref [0-9a-f]{8}\\)"), answer.message());
        }
    }

    @Test
    void aFullDiskIs507() {
        HttpErrors.Answer answer = HttpErrors.answer(new CompletionException(new IOException("No space left on device")));
        assertEquals(507, answer.status());
        assertFalse(answer.retryable());
    }

    @Test
    void anUpstreamThatTimedOutIs504AndOneThatFailed502() {
        assertEquals(504, HttpErrors.answer(new UpstreamFailedException("slow", true)).status());
        assertEquals(502, HttpErrors.answer(new UpstreamFailedException("down", false)).status());
    }

    private static void assertAnswer(int status, String message, Throwable failure) {
        HttpErrors.Answer answer = HttpErrors.answer(failure);
        assertEquals(status, answer.status(), failure.toString());
        assertEquals(message, answer.message());
    }
}
