package dev.cacheserver.domain.error;

import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void theCauseUnderNestedFutureWrappersIsFound() {
        NotFoundException missing = new NotFoundException("no such path");
        assertSame(missing, Failures.cause(new CompletionException(new ExecutionException(missing))));
        CompletableFuture<Void> failed = CompletableFuture.<Void>failedFuture(missing).thenApply(v -> v);
        Throwable seen = failed.handle((v, e) -> e).join();
        assertSame(missing, Failures.cause(seen));
    }

    @Test
    void anythingElseIsItself() {
        IllegalStateException plain = new IllegalStateException("x", new RuntimeException("inner"));
        assertSame(plain, Failures.cause(plain));
        CompletionException empty = new CompletionException(null);
        assertSame(empty, Failures.cause(empty));
    }
}
