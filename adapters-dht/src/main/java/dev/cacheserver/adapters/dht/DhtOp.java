package dev.cacheserver.adapters.dht;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** One DHT operation waiting for its native callbacks; its result is completed on {@code deliver}. */
abstract class DhtOp {
    final Executor deliver;

    DhtOp(Executor deliver) {
        this.deliver = deliver;
    }

    abstract void complete(boolean ok);

    static final class PingOp extends DhtOp {
        final CompletableFuture<Boolean> result = new CompletableFuture<>();

        PingOp(Executor deliver) {
            super(deliver);
        }

        @Override
        void complete(boolean ok) {
            deliver.execute(() -> result.complete(ok));
        }
    }

    static final class PutOp extends DhtOp {
        final CompletableFuture<Boolean> result;

        PutOp(Executor deliver, CompletableFuture<Boolean> result) {
            super(deliver);
            this.result = result;
        }

        @Override
        void complete(boolean ok) {
            deliver.execute(() -> result.complete(ok));
        }
    }

    static final class GetOp extends DhtOp {
        final CompletableFuture<List<DhtNode.Found>> result = new CompletableFuture<>();
        final List<DhtNode.Found> found = new ArrayList<>();
        final OpenDhtC lib;

        GetOp(Executor deliver, OpenDhtC lib) {
            super(deliver);
            this.lib = lib;
        }

        synchronized void add(DhtNode.Found value) {
            found.add(value);
        }

        @Override
        void complete(boolean ok) {
            List<DhtNode.Found> snapshot;
            synchronized (this) {
                snapshot = List.copyOf(found);
            }
            deliver.execute(() -> result.complete(snapshot));
        }
    }
}
