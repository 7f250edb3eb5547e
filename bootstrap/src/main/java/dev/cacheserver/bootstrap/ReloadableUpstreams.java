package dev.cacheserver.bootstrap;

import dev.cacheserver.application.port.in.NarSpool;
import dev.cacheserver.application.port.in.ServeFromUpstreams;
import dev.cacheserver.application.port.in.SpooledBytes;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A cache's upstream fallback as the endpoint sees it for the life of the server, whose upstreams a reload replaces:
 * the next miss asks the new list (with a fresh negative cache); a NAR download already under way finishes. With no
 * upstreams configured it answers every lookup "not found" at once, which is what the endpoint does without a
 * fallback.
 */
final class ReloadableUpstreams implements ServeFromUpstreams {
    private volatile ServeFromUpstreams current = None.INSTANCE;

    void replace(Optional<ServeFromUpstreams> next) {
        current = next.orElse(None.INSTANCE);
    }

    @Override
    public CompletionStage<Optional<byte[]>> lookup(StorePathHash hash) {
        return current.lookup(hash);
    }

    @Override
    public Optional<UpstreamNar> locateNar(NarFile file) {
        return current.locateNar(file);
    }

    @Override
    public CompletionStage<NarSpool> openCopy(UpstreamNar nar) {
        return current.openCopy(nar);
    }

    @Override
    public CompletionStage<NarInfo> keepCopy(UpstreamNar nar, NarSpool spool, CompletionStage<SpooledBytes> written) {
        return current.keepCopy(nar, spool, written);
    }

    @Override
    public void recordNarBytes(URI upstream, long bytes) {
        current.recordNarBytes(upstream, bytes);
    }

    @Override
    public void recordNarFailure(URI upstream) {
        current.recordNarFailure(upstream);
    }

    @Override
    public List<UpstreamStats> stats() {
        return current.stats();
    }

    /** No upstreams: nothing is found, nothing is kept. */
    private enum None implements ServeFromUpstreams {
        INSTANCE;

        @Override
        public CompletionStage<Optional<byte[]>> lookup(StorePathHash hash) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public Optional<UpstreamNar> locateNar(NarFile file) {
            return Optional.empty();
        }

        @Override
        public CompletionStage<NarSpool> openCopy(UpstreamNar nar) {
            return CompletableFuture.failedFuture(new IllegalStateException("the cache has no upstreams any more"));
        }

        @Override
        public CompletionStage<NarInfo> keepCopy(UpstreamNar nar, NarSpool spool,
                                                 CompletionStage<SpooledBytes> written) {
            return CompletableFuture.failedFuture(new IllegalStateException("the cache has no upstreams any more"));
        }

        @Override
        public void recordNarBytes(URI upstream, long bytes) {
        }

        @Override
        public void recordNarFailure(URI upstream) {
        }

        @Override
        public List<UpstreamStats> stats() {
            return List.of();
        }
    }
}
