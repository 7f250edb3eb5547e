package dev.cacheserver.adapters.dht;

import dev.cacheserver.domain.port.PeerDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract against two real OpenDHT nodes on loopback: announced on one, found on the other. */
class OpenDhtPeerDirectoryTest extends PeerDirectoryContract {
    static DhtCluster cluster;
    static PeerDirectory first;
    static PeerDirectory second;

    @BeforeAll
    static void start() throws Exception {
        cluster = new DhtCluster();
        first = cluster.start();
        second = cluster.start();
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    @Override
    PeerDirectory announcer() {
        return first;
    }

    @Override
    PeerDirectory finder() {
        return second;
    }
}
