package dev.cacheserver.adapters.dht;

import dev.cacheserver.domain.port.PeerDirectory;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.DatagramSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real OpenDHT nodes on loopback for tests, each in its own Vert.x instance (its own event bus). */
final class DhtCluster implements AutoCloseable {
    static final long NETWORK = 0x4E495854L;
    final List<Vertx> nodes = new ArrayList<>();
    final List<Integer> ports = new ArrayList<>();

    /** Starts a node bootstrapped to every node started before it. */
    PeerDirectory start() throws Exception {
        return start(DhtSettings.DEFAULT_LIBRARY, freeUdpPort());
    }

    PeerDirectory start(String library, int port) throws Exception {
        List<DhtSettings.Peer> bootstrap = new ArrayList<>();
        ports.forEach(p -> bootstrap.add(new DhtSettings.Peer("127.0.0.1", p)));
        DhtSettings settings = DhtSettings.of(port, NETWORK, bootstrap).withLibrary(library);
        Vertx vertx = Vertx.vertx();
        vertx.deployVerticle(new DhtVerticle(settings)).await(20, TimeUnit.SECONDS);
        nodes.add(vertx);
        ports.add(port);
        return new EventBusPeerDirectory(vertx, settings.lookupTimeout().plusMillis(400));
    }

    void stop(int index) throws Exception {
        nodes.get(index).close().await(20, TimeUnit.SECONDS);
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        for (Vertx vertx : nodes) {
            try {
                vertx.close().await(20, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // already stopped
            }
        }
    }
}
