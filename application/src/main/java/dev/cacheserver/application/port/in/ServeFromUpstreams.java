package dev.cacheserver.application.port.in;

import dev.cacheserver.application.port.in.PullThroughNar;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Serves a cache's misses from its configured upstream caches (pull-through). {@link #lookup} asks the upstreams
 * that are not backing off, concurrently, and answers the narinfo of the first one in priority order whose
 * signature verifies against that upstream's keys, with the upstream's signatures kept and this cache's added;
 * empty (404) when every upstream asked said it has no such path (remembered for the negative TTL); fails with
 * {@link dev.cacheserver.domain.error.UpstreamFailedException} (502/504) when none could answer at all.
 * {@link #locateNar} says where to fetch the NAR of a narinfo served that way. The copy goes through the one NAR
 * ingest sequence ({@link PullThroughNar}). Non-blocking; thread-safe.
 */
public interface ServeFromUpstreams extends PullThroughNar<ServeFromUpstreams.UpstreamNar> {

    CompletionStage<Optional<byte[]>> lookup(StorePathHash hash);

    Optional<UpstreamNar> locateNar(NarFile file);

    /** Counts NAR bytes received from {@code upstream} (for its metrics). */
    void recordNarBytes(URI upstream, long bytes);

    /** Counts a failed NAR download from {@code upstream}. */
    void recordNarFailure(URI upstream);

    /** Counters per upstream since start, in priority order. */
    List<UpstreamStats> stats();

    /** A NAR served through this node: the upstream, its URL there, and the verified narinfo (signed by us). */
    record UpstreamNar(URI upstream, URI narUrl, NarInfo info) {
    }

    /**
     * {@code hits}: narinfos served from it; {@code misses}: 404s; {@code rejected}: narinfos dropped (bad or
     * missing signature, malformed); {@code errors}: failed or timed-out requests; {@code bytes}: NAR bytes
     * received; {@code requests}/{@code latencyMillis}: narinfo requests answered and their summed latency.
     */
    record UpstreamStats(URI url, long hits, long misses, long rejected, long errors, long bytes, long requests,
                         long latencyMillis) {
    }
}
