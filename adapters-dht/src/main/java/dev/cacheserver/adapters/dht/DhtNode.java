package dev.cacheserver.adapters.dht;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One OpenDHT runner (its own UDP sockets and "dht" thread) behind a small Java API. Callbacks arrive on the
 * native DHT thread: they only copy data and hand results to {@code deliver} (the verticle's context), never run
 * Java logic there (spec G2); see {@link DhtCallbacks}. {@link #close()} blocks.
 */
final class DhtNode {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    private final OpenDhtC lib;
    private final Pointer runner;
    private final Executor deliver;
    private final int port;
    private final String nodeId;

    /** A value found by a get: its bytes and the id the network knows it by. */
    record Found(long id, byte[] data) {
    }

    private DhtNode(OpenDhtC lib, Pointer runner, Executor deliver, int port, String nodeId) {
        this.lib = lib;
        this.runner = runner;
        this.deliver = deliver;
        this.port = port;
        this.nodeId = nodeId;
    }

    /**
     * Starts a runner on UDP {@code port} (0: any) in the private network {@code network}, without multicast
     * discovery. Blocking (binds sockets, starts threads). Fails with IllegalStateException when the IPv4
     * socket cannot be bound.
     */
    static DhtNode start(OpenDhtC lib, int port, long network, Executor deliver) {
        OpenDhtC.DhtRunnerConfig config = new OpenDhtC.DhtRunnerConfig();
        lib.dht_runner_config_default(config);
        config.read();
        config.dht_config.node_config.network = (int) network;
        config.threaded = 1;
        config.peer_discovery = 0;
        config.peer_publish = 0;
        config.log = 0;
        config.write();
        Pointer runner = lib.dht_runner_new();
        int rc = lib.dht_runner_run_config(runner, port, config);
        int bound = rc == 0 ? Short.toUnsignedInt(lib.dht_runner_get_bound_port(runner, AF_INET)) : 0;
        if (bound == 0) {
            // A busy IPv4 port with a free IPv6 one gives a node that silently runs IPv6-only: refuse it too.
            lib.dht_runner_delete(runner);
            throw new IllegalStateException("cannot bind UDP port " + port
                    + (rc != 0 ? " (error " + rc + ")" : " for IPv4") + "; is another node using it?");
        }
        String id = lib.dht_infohash_print(lib.dht_runner_get_node_id(runner));
        return new DhtNode(lib, runner, deliver, bound, id);
    }

    int port() {
        return port;
    }

    String nodeId() {
        return nodeId;
    }

    /** Adds a known node; the library retries it with back-off while this node has no peers. Numeric hosts only. */
    void bootstrap(InetSocketAddress peer) {
        lib.dht_runner_bootstrap(runner, peer.getAddress().getHostAddress(), Integer.toString(peer.getPort()));
    }

    /**
     * Pings a peer; completes true when it answered. Pinging configured peers is what lets a seed node confirm
     * the nodes that contacted it and start serving operations at once (spec G8).
     */
    CompletableFuture<Boolean> ping(InetSocketAddress peer) {
        DhtOp.PingOp op = new DhtOp.PingOp(deliver);
        long id = DhtCallbacks.register(op);
        Memory address = sockaddr(peer);
        lib.dht_runner_ping(runner, address, (int) address.size(), DhtCallbacks.ON_DONE, new Pointer(id));
        return op.result;
    }

    /**
     * Stores {@code data} under {@code key} on the closest nodes with a plain put: fire and forget, every copy
     * (this node's too) expires 10 minutes later unless put again. Nothing of it stays referenced here: the runner
     * holds its own reference to the value until the put is done.
     */
    void put(byte[] key, byte[] data, CompletableFuture<Boolean> done) {
        Pointer value = lib.dht_value_new(data, data.length);
        DhtOp.PutOp op = new DhtOp.PutOp(deliver, done);
        long id = DhtCallbacks.register(op);
        lib.dht_runner_put(runner, OpenDhtC.DhtInfoHash.of(key), value, DhtCallbacks.ON_DONE, new Pointer(id), false);
        lib.dht_value_unref(value);
    }

    /** Starts a lookup; {@link Lookup#finish()} ends it early with what arrived so far. */
    Lookup get(byte[] key) {
        DhtOp.GetOp op = new DhtOp.GetOp(deliver, lib);
        long id = DhtCallbacks.register(op);
        lib.dht_runner_get(runner, OpenDhtC.DhtInfoHash.of(key), DhtCallbacks.ON_VALUE, DhtCallbacks.ON_DONE,
                new Pointer(id));
        return new Lookup(id, op);
    }

    /** A running get. */
    static final class Lookup {
        private final long id;
        private final DhtOp.GetOp op;

        private Lookup(long id, DhtOp.GetOp op) {
            this.id = id;
            this.op = op;
        }

        CompletableFuture<List<Found>> result() {
            return op.result;
        }

        /** Completes now with what was found; later values are ignored and the native get is told to stop. */
        void finish() {
            if (DhtCallbacks.remove(id)) {
                op.complete(false);
            }
        }
    }

    /** Graceful shutdown (bounded wait, spec G10), then frees the runner. Blocking; ops still open fail. */
    void close() {
        DhtCallbacks.Shutdown shutdown = DhtCallbacks.shutdown();
        lib.dht_runner_shutdown(runner, DhtCallbacks.ON_SHUTDOWN, new Pointer(shutdown.id()));
        try {
            shutdown.stopped().await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shutdown.forget();
        lib.dht_runner_delete(runner);
        // The library drops queued operations without calling back: finish ours so nobody waits forever.
        DhtCallbacks.finishAll(deliver);
    }

    private static Memory sockaddr(InetSocketAddress peer) {
        InetAddress address = peer.getAddress();
        byte[] raw = address.getAddress();
        Memory memory = new Memory(address instanceof Inet4Address ? 16 : 28);
        memory.clear();
        memory.setShort(0, (short) (address instanceof Inet4Address ? AF_INET : AF_INET6));
        memory.setByte(2, (byte) (peer.getPort() >> 8));
        memory.setByte(3, (byte) peer.getPort());
        memory.write(address instanceof Inet4Address ? 4 : 8, raw, 0, raw.length);
        return memory;
    }
}
