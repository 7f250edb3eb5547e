package dev.cacheserver.adapters.dht;

import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.PeerDirectory.DirectoryStatus;
import dev.cacheserver.domain.port.PeerDirectory.Provider;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The node's single OpenDHT runner, reached over the event bus ({@link DhtAddresses}). It announces paths with
 * plain puts, paced at {@code announcesPerSecond}: each expires on every node 10 minutes later, so the sender
 * (PeerAnnouncer) walks its paths again before then. Nothing per announced path is kept here, only the queue of
 * paths handed over and not yet sent ({@link AnnounceQueue}). A withdrawn path is no longer offered by this node's
 * lookups ({@link DhtLookups}), and other nodes' copies expire on their own (≤ 10 min). Configured peers are
 * pinged periodically so seed nodes never stall (spec G8).
 *
 * <p>When the library cannot be loaded or the UDP port cannot be bound, it logs one line and keeps answering in
 * standalone mode: lookups find nothing, announcements are dropped, the status says why. All state is confined
 * to this verticle's context; native callbacks are handed back to it.
 */
public final class DhtVerticle extends VerticleBase {
    private static final long PACE_MILLIS = 100;
    private static final int MAX_REMEMBERED_WITHDRAWALS = 100_000;

    private final DhtSettings settings;
    private final String disabledReason;
    private final AnnounceQueue announcements = new AnnounceQueue(MAX_REMEMBERED_WITHDRAWALS);
    private final Map<InetSocketAddress, Boolean> peers = new LinkedHashMap<>();
    private DhtNode node;
    private DhtLookups lookups;
    private String standaloneReason = "";
    private long announced;
    private long putFailures;
    private long paceTimer = -1;
    private long pingTimer = -1;

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
        return vertx.executeBlocking(() -> DhtNodeStarter.start(settings, onContext)).map(started -> {
            standaloneReason = started.standaloneReason();
            if (started.node() != null) {
                node = started.node();
                lookups = new DhtLookups(vertx, context, node, settings.lookupTimeout(), announcements);
                joinNetwork(started.peers());
                paceTimer = vertx.setPeriodic(PACE_MILLIS, t -> announcePending());
                pingTimer = vertx.setPeriodic(settings.pingInterval().toMillis(), t -> pingPeers());
            }
            return null;
        });
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
            announcements.announce(ProviderJson.provider(message.body().getJsonObject("provider")),
                    ProviderJson.hashes(message.body()));
        }
        message.reply(null);
    }

    /** Sends the next batch of puts: paced so a walk over every path never trips the rate limit (G12). */
    private void announcePending() {
        int batch = (int) Math.max(1, settings.announcesPerSecond() * PACE_MILLIS / 1000);
        for (AnnounceQueue.Put put : announcements.next(batch)) {
            CompletableFuture<Boolean> done = new CompletableFuture<>();
            done.thenAccept(ok -> {
                if (!ok) {
                    putFailures++;
                }
            });
            node.put(DhtRecords.key(put.hash()), put.value(), done);
            announced++;
        }
    }

    private void withdraw(Message<JsonObject> message) {
        if (node != null) {
            announcements.withdraw(ProviderJson.provider(message.body().getJsonObject("provider")),
                    ProviderJson.hashes(message.body()));
        }
        message.reply(null);
    }

    private void find(Message<String> message) {
        if (node == null) {
            message.reply(new JsonArray());
            return;
        }
        StorePathHash hash;
        try {
            hash = new StorePathHash(message.body());
        } catch (RuntimeException e) {
            // Counted as a lookup, as before the split: the status shows how many were asked for.
            lookups.countMalformed();
            message.reply(new JsonArray());
            return;
        }
        lookups.find(hash).onComplete(found -> message.reply(ProviderJson.providers(
                found.succeeded() ? found.result() : List.<Provider>of())));
    }

    private DirectoryStatus status() {
        if (node == null) {
            return DirectoryStatus.standalone(standaloneReason);
        }
        List<String> bootstrap = new ArrayList<>();
        peers.keySet().forEach(p -> bootstrap.add(p.getAddress().getHostAddress() + ":" + p.getPort()));
        int reachable = (int) peers.values().stream().filter(Boolean::booleanValue).count();
        return new DirectoryStatus("cluster", "", node.nodeId(), node.port(), settings.network(), bootstrap, reachable,
                announced, announcements.pending(), announcements.withdrawnCount(), lookups.lookups(), lookups.found(),
                lookups.timeouts(), putFailures + lookups.failures());
    }

    @Override
    public Future<?> stop() {
        if (node == null) {
            return Future.succeededFuture();
        }
        vertx.cancelTimer(paceTimer);
        vertx.cancelTimer(pingTimer);
        DhtNode closing = node;
        announcements.clear();
        node = null;
        standaloneReason = "stopped";
        return vertx.executeBlocking(() -> {
            closing.close();
            return null;
        });
    }
}
