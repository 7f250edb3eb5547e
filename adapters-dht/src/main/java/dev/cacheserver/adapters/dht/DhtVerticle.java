package dev.cacheserver.adapters.dht;

import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.PeerDirectory.DirectoryStatus;
import dev.cacheserver.domain.port.PeerDirectory.Provider;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's single OpenDHT runner, reached over the event bus ({@link DhtAddresses}). It announces paths with
 * plain puts, paced at {@code announcesPerSecond}: each expires on every node 10 minutes later, so the sender
 * (PeerAnnouncer) walks its paths again before then. Nothing per announced path is kept here, only the queue of
 * paths handed over and not yet sent (the sender hands them at the pace they are sent). A withdrawn path is no
 * longer offered by this node's lookups, and other nodes' copies expire on their own (≤ 10 min). Lookups answer
 * within {@code lookupTimeout} with whatever was found; configured peers are pinged periodically so seed nodes
 * never stall (spec G8).
 *
 * <p>When the library cannot be loaded or the UDP port cannot be bound, it logs one line and keeps answering in
 * standalone mode: lookups find nothing, announcements are dropped, the status says why. All state is confined
 * to this verticle's context; native callbacks are handed back to it.
 */
public final class DhtVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(DhtVerticle.class);
    private static final long PACE_MILLIS = 100;
    private static final long RETRY_MILLIS = 100;
    private static final int MAX_REMEMBERED_WITHDRAWALS = 100_000;

    private final DhtSettings settings;
    private final String disabledReason;
    private DhtNode node;
    private String standaloneReason = "";
    private final LinkedHashMap<AnnounceKey, byte[]> pending = new LinkedHashMap<>();
    /** Recently withdrawn paths of this node: their copies still stored elsewhere are not offered (bounded). */
    private final LinkedHashSet<AnnounceKey> withdrawnKeys = new LinkedHashSet<>();
    private final Map<InetSocketAddress, Boolean> peers = new LinkedHashMap<>();
    private long announced;
    private long withdrawn;
    private long lookups;
    private long lookupsFound;
    private long lookupTimeouts;
    private long failures;
    private long paceTimer = -1;
    private long pingTimer = -1;

    private record AnnounceKey(StorePathHash hash, Provider provider) {
    }

    public DhtVerticle(DhtSettings settings) {
        this(settings, null);
    }

    private DhtVerticle(DhtSettings settings, String disabledReason) {
        this.settings = settings;
        this.disabledReason = disabledReason;
    }

    /** A verticle that only answers in standalone mode (e.g. {@code standalone: true} in the configuration). */
    public static DhtVerticle disabled(DhtSettings settings, String reason) {
        return new DhtVerticle(settings, reason);
    }

    @Override
    public Future<?> start() {
        vertx.eventBus().<JsonObject>consumer(DhtAddresses.ANNOUNCE, this::announce);
        vertx.eventBus().<JsonObject>consumer(DhtAddresses.WITHDRAW, this::withdraw);
        vertx.eventBus().<String>consumer(DhtAddresses.FIND, this::find);
        vertx.eventBus().<String>consumer(DhtAddresses.STATUS, m -> m.reply(ProviderJson.status(status())));
        if (disabledReason != null) {
            standaloneReason = disabledReason;
            return Future.succeededFuture();
        }
        Executor onContext = task -> context.runOnContext(v -> task.run());
        return vertx.executeBlocking(() -> startNode(onContext)).map(started -> {
            if (started != null) {
                node = started.node();
                joinNetwork(started.peers());
                paceTimer = vertx.setPeriodic(PACE_MILLIS, t -> announcePending());
                pingTimer = vertx.setPeriodic(settings.pingInterval().toMillis(), t -> pingPeers());
            }
            return null;
        });
    }

    private record Started(DhtNode node, List<InetSocketAddress> peers) {
    }

    /** Blocking: loads the library, binds the sockets, resolves the peers. Null means standalone (logged once). */
    private Started startNode(Executor onContext) {
        OpenDhtLibrary.Loaded loaded = OpenDhtLibrary.load(settings.library());
        if (!loaded.ok()) {
            standaloneReason = "OpenDHT unavailable (" + loaded.failure() + ")";
            LOG.warn("{}; install the Debian package libopendht-c2 to enable clustering. Running in STANDALONE mode: "
                    + "only local store paths are served.", standaloneReason);
            return null;
        }
        DhtNode started;
        try {
            started = DhtNode.start(loaded.library(), settings.port(), settings.network(), onContext);
        } catch (RuntimeException e) {
            standaloneReason = "DHT port " + settings.port() + " unavailable (" + e.getMessage() + ")";
            LOG.warn("{}; set server.dht-port to a free UDP port to enable clustering. Running in STANDALONE mode: "
                    + "only local store paths are served.", standaloneReason);
            return null;
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
        return new Started(started, resolved);
    }

    private static boolean isLocal(InetAddress address) {
        try {
            return address.isLoopbackAddress() || address.isAnyLocalAddress()
                    || NetworkInterface.getByInetAddress(address) != null;
        } catch (Exception e) {
            return false;
        }
    }

    private void joinNetwork(List<InetSocketAddress> resolved) {
        resolved.forEach(peer -> {
            peers.put(peer, false);
            node.bootstrap(peer);
        });
        pingPeers();
    }

    private void pingPeers() {
        if (node == null) {
            return;
        }
        peers.keySet().forEach(peer -> node.ping(peer).thenAccept(ok -> peers.put(peer, ok)));
    }

    private void announce(Message<JsonObject> message) {
        if (node != null) {
            Provider provider = ProviderJson.provider(message.body().getJsonObject("provider"));
            byte[] value = DhtRecords.encode(provider);
            for (StorePathHash hash : ProviderJson.hashes(message.body())) {
                AnnounceKey key = new AnnounceKey(hash, provider);
                withdrawnKeys.remove(key);
                pending.putIfAbsent(key, value);
            }
        }
        message.reply(null);
    }

    /** Sends the next batch of puts: paced so a walk over every path never trips the rate limit (G12). */
    private void announcePending() {
        int batch = (int) Math.max(1, settings.announcesPerSecond() * PACE_MILLIS / 1000);
        Iterator<Map.Entry<AnnounceKey, byte[]>> it = pending.entrySet().iterator();
        while (batch-- > 0 && it.hasNext()) {
            Map.Entry<AnnounceKey, byte[]> next = it.next();
            it.remove();
            java.util.concurrent.CompletableFuture<Boolean> done = new java.util.concurrent.CompletableFuture<>();
            done.thenAccept(ok -> {
                if (!ok) {
                    failures++;
                }
            });
            node.put(DhtRecords.key(next.getKey().hash()), next.getValue(), done);
            announced++;
        }
    }

    private void withdraw(Message<JsonObject> message) {
        if (node != null) {
            Provider provider = ProviderJson.provider(message.body().getJsonObject("provider"));
            for (StorePathHash hash : ProviderJson.hashes(message.body())) {
                AnnounceKey key = new AnnounceKey(hash, provider);
                pending.remove(key);
                // Other nodes keep their copy until it expires; this node at least never offers it again.
                rememberWithdrawn(key);
                withdrawn++;
            }
        }
        message.reply(null);
    }

    private void rememberWithdrawn(AnnounceKey key) {
        withdrawnKeys.add(key);
        if (withdrawnKeys.size() > MAX_REMEMBERED_WITHDRAWALS) {
            Iterator<AnnounceKey> it = withdrawnKeys.iterator();
            it.next();
            it.remove();
        }
    }

    private void find(Message<String> message) {
        if (node == null) {
            message.reply(new JsonArray());
            return;
        }
        lookups++;
        StorePathHash hash;
        try {
            hash = new StorePathHash(message.body());
        } catch (RuntimeException e) {
            message.reply(new JsonArray());
            return;
        }
        long deadline = System.nanoTime() + settings.lookupTimeout().toNanos();
        lookup(DhtRecords.key(hash), deadline, false).onComplete(result -> {
            List<Provider> providers = new ArrayList<>();
            if (result.succeeded()) {
                Set<Provider> unique = new LinkedHashSet<>();
                for (DhtNode.Found found : result.result()) {
                    DhtRecords.decode(found.data())
                            .filter(provider -> !withdrawnKeys.contains(new AnnounceKey(hash, provider)))
                            .ifPresent(unique::add);
                }
                providers.addAll(unique);
            } else {
                failures++;
            }
            if (!providers.isEmpty()) {
                lookupsFound++;
            }
            message.reply(ProviderJson.providers(providers));
        });
    }

    /**
     * One get bounded by {@code deadline}; an empty answer well before the deadline is retried once, because right
     * after a small network forms the first get can miss (spec G11).
     */
    private Future<List<DhtNode.Found>> lookup(byte[] key, long deadline, boolean retried) {
        DhtNode.Lookup running = node.get(key);
        long remainingMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        boolean[] timedOut = {false};
        long timer = vertx.setTimer(remainingMillis, t -> {
            timedOut[0] = true;
            lookupTimeouts++;
            running.finish();
        });
        return Future.fromCompletionStage(running.result(), context).compose(found -> {
            vertx.cancelTimer(timer);
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (found.isEmpty() && !retried && !timedOut[0] && left > 2 * RETRY_MILLIS) {
                return vertx.timer(RETRY_MILLIS).compose(t -> lookup(key, deadline, true));
            }
            return Future.succeededFuture(found);
        });
    }

    private DirectoryStatus status() {
        if (node == null) {
            return DirectoryStatus.standalone(standaloneReason);
        }
        List<String> bootstrap = new ArrayList<>();
        peers.keySet().forEach(p -> bootstrap.add(p.getAddress().getHostAddress() + ":" + p.getPort()));
        int reachable = (int) peers.values().stream().filter(Boolean::booleanValue).count();
        return new DirectoryStatus("cluster", "", node.nodeId(), node.port(), settings.network(), bootstrap, reachable,
                announced, pending.size(), withdrawn, lookups, lookupsFound, lookupTimeouts, failures);
    }

    @Override
    public Future<?> stop() {
        if (node == null) {
            return Future.succeededFuture();
        }
        vertx.cancelTimer(paceTimer);
        vertx.cancelTimer(pingTimer);
        DhtNode closing = node;
        pending.clear();
        node = null;
        standaloneReason = "stopped";
        return vertx.executeBlocking(() -> {
            closing.close();
            return null;
        });
    }
}
