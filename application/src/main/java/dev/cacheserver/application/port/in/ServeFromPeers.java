package dev.cacheserver.application.port.in;

import dev.cacheserver.application.port.in.PullThroughNar;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.PeerDirectory;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Serves a cache's misses from cluster peers. {@link #lookup} finds a peer that announced the path, fetches its
 * narinfo, verifies it against the trusted keys and answers it signed by this cache, or empty (404) within a
 * bounded time; a peer's answer that fails verification is dropped, never served. {@link #locateNar} says where
 * to stream the NAR of a narinfo served that way. Pull-through keeps a copy through the one NAR ingest sequence
 * ({@link PullThroughNar}). Non-blocking; thread-safe.
 */
public interface ServeFromPeers extends PullThroughNar<ServeFromPeers.PeerNar> {

    CompletionStage<Optional<byte[]>> lookup(StorePathHash hash);

    Optional<PeerNar> locateNar(NarFile file);

    /** True when NARs streamed from peers are also stored here. */
    boolean pullThrough();

    /** The directory's state and this cache's fallback counters, for the admin view. */
    CompletionStage<Status> status();

    /** A NAR served through this node: its URL on the peer and the verified narinfo it belongs to. */
    record PeerNar(URI peer, URI narUrl, NarInfo info) {
    }

    /** Counters since start, per cache. */
    record Stats(long misses, long servedFromPeers, long negativeCacheHits, long rejected, long peerFailures,
                 long pulledThrough) {
    }

    record Status(PeerDirectory.DirectoryStatus directory, Stats fallback) {
    }
}
