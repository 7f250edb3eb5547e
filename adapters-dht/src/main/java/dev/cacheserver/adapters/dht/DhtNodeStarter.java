package dev.cacheserver.adapters.dht;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings up the node's OpenDHT runner: loads the library, binds the UDP port, resolves the bootstrap peers (this
 * node itself left out, so one list serves every node). When the library or the port is missing it says why, in
 * one log line, and the node runs standalone. Blocking: call it on a worker.
 */
final class DhtNodeStarter {
    // Under the name it always logged as: operators filter on it.
    private static final Logger LOG = LoggerFactory.getLogger(DhtVerticle.class);

    /** A running node and its peers, or none and the reason the node is standalone. */
    record Started(DhtNode node, List<InetSocketAddress> peers, String standaloneReason) {
        static Started standalone(String reason) {
            return new Started(null, List.of(), reason);
        }
    }

    private DhtNodeStarter() {
    }

    static Started start(DhtSettings settings, Executor onContext) {
        OpenDhtLibrary.Loaded loaded = OpenDhtLibrary.load(settings.library());
        if (!loaded.ok()) {
            String reason = "OpenDHT unavailable (" + loaded.failure() + ")";
            LOG.warn("{}; install the Debian package libopendht-c2 to enable clustering. Running in STANDALONE mode: "
                    + "only local store paths are served.", reason);
            return Started.standalone(reason);
        }
        DhtNode started;
        try {
            started = DhtNode.start(loaded.library(), settings.port(), settings.network(), onContext);
        } catch (RuntimeException e) {
            String reason = "DHT port " + settings.port() + " unavailable (" + e.getMessage() + ")";
            LOG.warn("{}; set server.dht-port to a free UDP port to enable clustering. Running in STANDALONE mode: "
                    + "only local store paths are served.", reason);
            return Started.standalone(reason);
        }
        List<InetSocketAddress> resolved = new ArrayList<>();
        for (DhtSettings.Peer peer : settings.bootstrap()) {
            try {
                for (InetAddress address : InetAddress.getAllByName(peer.host())) {
                    if (peer.port() == started.port() && isLocal(address)) {
                        continue; // this node itself: the same list can be used on every node
                    }
                    resolved.add(new InetSocketAddress(address, peer.port()));
                }
            } catch (Exception e) {
                LOG.warn("DHT bootstrap peer {} cannot be resolved ({}); skipped", peer, e.getMessage());
            }
        }
        LOG.info("DHT node {} (OpenDHT {}) on UDP port {}, network {}, bootstrap {}", started.nodeId(),
                loaded.version(), started.port(), settings.network(), resolved);
        return new Started(started, resolved, "");
    }

    private static boolean isLocal(InetAddress address) {
        try {
            return address.isLoopbackAddress() || address.isAnyLocalAddress()
                    || NetworkInterface.getByInetAddress(address) != null;
        } catch (Exception e) {
            return false;
        }
    }
}
