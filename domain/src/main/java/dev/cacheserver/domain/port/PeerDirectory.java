package dev.cacheserver.domain.port;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.signing.PublicSigningKey;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Which cache nodes of the cluster hold which store paths. This node {@link #announce announces} the paths of its
 * public caches and {@link #withdraw withdraws} deleted ones; {@link #findProviders} asks which caches announced a
 * path. A record holds only what a peer needs to fetch and check a narinfo: the cache's public URL, its name and
 * its public key, never a token. Records are hints: a provider may be gone or may no longer hold the path (an
 * announcement can outlive its withdrawal by the network's expiry time), and its key proves nothing until the
 * caller verifies a signature against keys it trusts.
 *
 * <p>Non-blocking; stages may complete on any thread. {@code announce} and {@code withdraw} complete once the
 * request is accepted (announcing to the network is paced and happens later). {@code findProviders} completes
 * within the directory's bounded lookup time with whatever was found by then, possibly nothing; it never fails
 * because a peer is slow or dead. A directory without a network (standalone) finds nothing.
 */
public interface PeerDirectory {

    CompletionStage<Void> announce(Provider self, Collection<StorePathHash> hashes);

    CompletionStage<Void> withdraw(Provider self, Collection<StorePathHash> hashes);

    CompletionStage<List<Provider>> findProviders(StorePathHash hash);

    /** The directory's state for operators. */
    CompletionStage<DirectoryStatus> status();

    /** One cache that announced a path: where to fetch it, the cache's name and the key it signs with. */
    record Provider(URI url, CacheName cache, PublicSigningKey publicKey) {
        public Provider {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(cache, "cache");
            Objects.requireNonNull(publicKey, "publicKey");
        }
    }

    /**
     * {@code mode} is {@code cluster} or {@code standalone} (then {@code reason} says why); peers are the
     * configured bootstrap nodes and how many answered our last pings; counters run since start.
     */
    record DirectoryStatus(String mode, String reason, String nodeId, int port, long network,
                           List<String> bootstrapPeers, int reachablePeers, long announced, long pendingAnnouncements,
                           long withdrawn, long lookups, long lookupsFound, long lookupTimeouts, long failures) {
        public DirectoryStatus {
            bootstrapPeers = List.copyOf(bootstrapPeers);
        }

        public static DirectoryStatus standalone(String reason) {
            return new DirectoryStatus("standalone", reason, "", 0, 0, List.of(), 0, 0, 0, 0, 0, 0, 0, 0);
        }
    }
}
