package dev.cacheserver.adapters.httpclient;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Where a client's HTTP exchanges run: on the caller's event loop when it is on one, else on a context of the
 * client's own. Off a context, the callback that receives a response runs later, as a separate task, and a short
 * answer (an empty 404, a small narinfo) may have ended by then: reading it failed with IllegalStateException and
 * a miss showed as "upstream unreachable". On a context the callback runs before the body and the end are handled.
 */
final class ExchangeContext {
    private final Context own;

    ExchangeContext(Vertx vertx) {
        this.own = vertx.getOrCreateContext();
    }

    /** Starts {@code exchange} (request, status check, reading) on an event-loop context; its outcome. */
    <T> Future<T> run(Supplier<Future<T>> exchange) {
        if (Vertx.currentContext() != null && Context.isOnEventLoopThread()) {
            return exchange.get();
        }
        Promise<T> done = Promise.promise();
        own.runOnContext(v -> exchange.get().onComplete(done));
        return done.future();
    }
}
