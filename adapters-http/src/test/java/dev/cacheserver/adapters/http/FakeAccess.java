package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.domain.error.AuthenticationException;
import dev.cacheserver.domain.error.PermissionDeniedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The access rules the fakes decide with, as the application's policy does: tokens {@link #READ}, {@link #WRITE} and
 * {@link #ADMIN}; {@link #BAD} is refused (401) wherever it is presented; a public cache lets anyone read.
 */
final class FakeAccess {
    static final String READ = "read-token";
    static final String WRITE = "write-token";
    static final String ADMIN = "admin-token";
    static final String BAD = "bad-token";

    volatile boolean isPublic = true;

    void read(Caller caller) {
        rejectBad(caller);
        if (!isPublic && caller.token().isEmpty()) {
            throw new AuthenticationException("cache main is private: this request needs a token");
        }
    }

    void write(Caller caller) {
        rejectBad(caller);
        String token = caller.token().orElseThrow(() -> new AuthenticationException("this request needs a token"));
        if (!token.equals(WRITE) && !token.equals(ADMIN)) {
            throw new PermissionDeniedException("the token allows read access, this request needs write");
        }
    }

    void admin(Caller caller) {
        rejectBad(caller);
        String token = caller.token().orElseThrow(() -> new AuthenticationException("this request needs a token"));
        if (!token.equals(ADMIN)) {
            throw new PermissionDeniedException("this request needs an admin token");
        }
    }

    <T> CompletionStage<T> afterRead(Caller caller, Supplier<CompletionStage<T>> work) {
        try {
            read(caller);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return work.get();
    }

    private static void rejectBad(Caller caller) {
        if (caller.token().filter(BAD::equals).isPresent()) {
            throw new AuthenticationException("invalid token");
        }
    }
}
