package dev.cacheserver.adapters.persistence.postgres;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.MetadataEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MetadataEvents} through PostgreSQL's LISTEN/NOTIFY: an announcement is a {@code pg_notify} on the shared
 * pool (delivered after the write it follows has committed, since that write completed first); one dedicated
 * connection LISTENs and reconnects every second when it drops. Notifications sent while it is down are lost
 * (PostgreSQL does not queue them for a listener that is gone), which leaves at most the memory caches' own bounds.
 * The payload is {@code origin cache hash} (or {@code origin TOKEN-REVOKED}, or
 * {@code origin DEPLOYMENT-ACTIVATED agent id}, or {@code origin DEPLOYMENT-ENDED id}), so a process ignores its own announcements.
 */
final class PostgresMetadataEvents implements MetadataEvents {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresMetadataEvents.class);
    static final String CHANNEL = "cache_server_narinfo";
    static final long RECONNECT_MILLIS = 1_000;
    private static final String NOTIFY = "SELECT pg_notify($1, $2)";
    /** The payload word of a revocation; a cache name is at most 64 characters of {@code [a-z0-9_-]}, never this. */
    private static final String TOKEN_REVOKED = "TOKEN-REVOKED";
    /** Likewise for an activated deployment; agent names have no spaces. */
    private static final String DEPLOYMENT_ACTIVATED = "DEPLOYMENT-ACTIVATED";
    private static final String DEPLOYMENT_ENDED = "DEPLOYMENT-ENDED";

    private final Pool pool;
    private final PgSubscriber subscriber;
    private final String origin = UUID.randomUUID().toString();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    private PostgresMetadataEvents(Pool pool, PgSubscriber subscriber) {
        this.pool = pool;
        this.subscriber = subscriber;
    }

    /** Connects the listening connection; completes once it LISTENs. */
    static Future<PostgresMetadataEvents> connect(Vertx vertx, PgConnectOptions options, Pool pool) {
        PgSubscriber subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> RECONNECT_MILLIS);
        PostgresMetadataEvents events = new PostgresMetadataEvents(pool, subscriber);
        subscriber.channel(CHANNEL).handler(events::received);
        return subscriber.connect().map(events);
    }

    @Override
    public void narInfoChanged(CacheName cache, StorePathHash hash) {
        pool.preparedQuery(NOTIFY).execute(Tuple.of(CHANNEL, origin + " " + cache.value() + " " + hash.value()))
                .onFailure(e -> LOG.warn("could not tell the other replicas that {} changed in {}: {}", hash, cache,
                        e.getMessage()));
    }

    @Override
    public CompletionStage<Void> tokenRevoked() {
        return pool.preparedQuery(NOTIFY).execute(Tuple.of(CHANNEL, origin + " " + TOKEN_REVOKED)).<Void>mapEmpty()
                .toCompletionStage();
    }

    @Override
    public void deploymentActivated(String agent, UUID deployment) {
        pool.preparedQuery(NOTIFY).execute(Tuple.of(CHANNEL, origin + " " + DEPLOYMENT_ACTIVATED + " " + agent + " "
                + deployment)).onFailure(e -> LOG.warn("could not tell the other replicas about deployment {} of agent "
                + "{}; it goes out when the agent reconnects: {}", deployment, agent, e.getMessage()));
    }

    @Override
    public void deploymentEnded(UUID deployment) {
        pool.preparedQuery(NOTIFY).execute(Tuple.of(CHANNEL, origin + " " + DEPLOYMENT_ENDED + " " + deployment))
                .onFailure(e -> LOG.warn("could not tell the other replicas that deployment {} ended: {}", deployment,
                        e.getMessage()));
    }

    @Override
    public void subscribe(Listener listener) {
        listeners.add(listener);
    }

    private void received(String payload) {
        String[] parts = payload.split(" ");
        if (parts[0].equals(origin)) {
            return;
        }
        if (parts.length == 2 && parts[1].equals(TOKEN_REVOKED)) {
            listeners.forEach(Listener::tokenRevoked);
            return;
        }
        if (parts.length == 4 && parts[1].equals(DEPLOYMENT_ACTIVATED)) {
            deployment(parts[3], id -> listeners.forEach(l -> l.deploymentActivated(parts[2], id)));
            return;
        }
        if (parts.length == 3 && parts[1].equals(DEPLOYMENT_ENDED)) {
            deployment(parts[2], id -> listeners.forEach(l -> l.deploymentEnded(id)));
            return;
        }
        if (parts.length != 3) {
            return;
        }
        try {
            CacheName cache = new CacheName(parts[1]);
            StorePathHash hash = new StorePathHash(parts[2]);
            listeners.forEach(l -> l.narInfoChanged(cache, hash));
        } catch (IllegalArgumentException e) {
            LOG.warn("ignoring a malformed change notification: {}", e.getMessage());
        }
    }

    private static void deployment(String id, java.util.function.Consumer<UUID> announce) {
        UUID deployment;
        try {
            deployment = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            LOG.warn("ignoring a malformed deployment notification: {}", e.getMessage());
            return;
        }
        announce.accept(deployment);
    }

    Future<Void> close() {
        return subscriber.close();
    }
}
