package dev.cacheserver.adapters.dht;

import com.sun.jna.CallbackThreadInitializer;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One OpenDHT runner (its own UDP sockets and "dht" thread) behind a small Java API. Callbacks arrive on the
 * native DHT thread: they only copy data and hand results to {@code deliver} (the verticle's context), never run
 * Java logic there (spec G2). The callbacks are static singletons so JNA never frees a trampoline the native side
 * still holds (G1); each operation is found again through a numeric user-data id. {@link #close()} blocks.
 */
final class DhtNode {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    private static final Map<Long, Op> OPS = new ConcurrentHashMap<>();
    private static final Map<Long, CountDownLatch> SHUTDOWNS = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong(1);
    private static final OpenDhtC.GetCallback ON_VALUE = DhtNode::onValue;
    private static final OpenDhtC.DoneCallback ON_DONE = DhtNode::onDone;
    private static final OpenDhtC.ShutdownCallback ON_SHUTDOWN = DhtNode::onShutdown;

    static {
        CallbackThreadInitializer init = new CallbackThreadInitializer(true, false, "opendht-dht");
        Native.setCallbackThreadInitializer(ON_VALUE, init);
        Native.setCallbackThreadInitializer(ON_DONE, init);
        Native.setCallbackThreadInitializer(ON_SHUTDOWN, init);
    }

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
        PingOp op = new PingOp(deliver);
        long id = register(op);
        Memory address = sockaddr(peer);
        lib.dht_runner_ping(runner, address, (int) address.size(), ON_DONE, new Pointer(id));
        return op.result;
    }

    /**
     * Stores {@code data} under {@code key} on the closest nodes with a plain put: fire and forget, every copy
     * (this node's too) expires 10 minutes later unless put again. Nothing of it stays referenced here: the runner
     * holds its own reference to the value until the put is done.
     */
    void put(byte[] key, byte[] data, CompletableFuture<Boolean> done) {
        Pointer value = lib.dht_value_new(data, data.length);
        PutOp op = new PutOp(deliver, done);
        long id = register(op);
        lib.dht_runner_put(runner, OpenDhtC.DhtInfoHash.of(key), value, ON_DONE, new Pointer(id), false);
        lib.dht_value_unref(value);
    }

    /** Starts a lookup; {@link Lookup#finish()} ends it early with what arrived so far. */
    Lookup get(byte[] key) {
        GetOp op = new GetOp(deliver, lib);
        long id = register(op);
        lib.dht_runner_get(runner, OpenDhtC.DhtInfoHash.of(key), ON_VALUE, ON_DONE, new Pointer(id));
        return new Lookup(id, op);
    }

    /** A running get. */
    static final class Lookup {
        private final long id;
        private final GetOp op;

        private Lookup(long id, GetOp op) {
            this.id = id;
            this.op = op;
        }

        CompletableFuture<List<Found>> result() {
            return op.result;
        }

        /** Completes now with what was found; later values are ignored and the native get is told to stop. */
        void finish() {
            if (OPS.remove(id) != null) {
                op.complete(false);
            }
        }
    }

    /** Graceful shutdown (bounded wait, spec G10), then frees the runner. Blocking; ops still open fail. */
    void close() {
        CountDownLatch stopped = new CountDownLatch(1);
        long id = IDS.getAndIncrement();
        SHUTDOWNS.put(id, stopped);
        lib.dht_runner_shutdown(runner, ON_SHUTDOWN, new Pointer(id));
        try {
            stopped.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        SHUTDOWNS.remove(id);
        lib.dht_runner_delete(runner);
        // The library drops queued operations without calling back: finish ours so nobody waits forever.
        OPS.forEach((opId, op) -> {
            if (op.deliver == deliver && OPS.remove(opId) != null) {
                op.complete(false);
            }
        });
    }

    private static long register(Op op) {
        long id = IDS.getAndIncrement();
        OPS.put(id, op);
        return id;
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

    // ---- native callbacks: the DHT thread; copy, hand over, never throw --------------------------------------

    private static byte onValue(Pointer value, Pointer userData) {
        try {
            Op op = OPS.get(Pointer.nativeValue(userData));
            if (!(op instanceof GetOp get)) {
                return 0;
            }
            OpenDhtC lib = get.lib;
            OpenDhtC.DhtDataView.ByValue view = lib.dht_value_get_data(value);
            if (view.size <= 0 || view.size > DhtRecords.MAX_VALUE_BYTES) {
                return 1;
            }
            get.add(new Found(lib.dht_value_get_id(value), view.data.getByteArray(0, (int) view.size)));
            return 1;
        } catch (Throwable t) {
            return 0;
        }
    }

    private static void onDone(byte ok, Pointer userData) {
        try {
            Op op = OPS.remove(Pointer.nativeValue(userData));
            if (op != null) {
                op.complete(ok != 0);
            }
        } catch (Throwable ignored) {
            // Nothing may escape into native code (spec G4).
        }
    }

    private static void onShutdown(Pointer userData) {
        try {
            CountDownLatch latch = SHUTDOWNS.get(Pointer.nativeValue(userData));
            if (latch != null) {
                latch.countDown();
            }
        } catch (Throwable ignored) {
            // Nothing may escape into native code (spec G4).
        }
    }

    private abstract static class Op {
        final Executor deliver;

        Op(Executor deliver) {
            this.deliver = deliver;
        }

        abstract void complete(boolean ok);
    }

    private static final class PingOp extends Op {
        final CompletableFuture<Boolean> result = new CompletableFuture<>();

        PingOp(Executor deliver) {
            super(deliver);
        }

        @Override
        void complete(boolean ok) {
            deliver.execute(() -> result.complete(ok));
        }
    }

    private static final class PutOp extends Op {
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

    private static final class GetOp extends Op {
        final CompletableFuture<List<Found>> result = new CompletableFuture<>();
        final List<Found> found = new ArrayList<>();
        final OpenDhtC lib;

        GetOp(Executor deliver, OpenDhtC lib) {
            super(deliver);
            this.lib = lib;
        }

        synchronized void add(Found value) {
            found.add(value);
        }

        @Override
        void complete(boolean ok) {
            List<Found> snapshot;
            synchronized (this) {
                snapshot = List.copyOf(found);
            }
            deliver.execute(() -> result.complete(snapshot));
        }
    }
}
