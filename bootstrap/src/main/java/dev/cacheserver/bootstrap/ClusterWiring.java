package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.dht.DhtSettings;
import dev.cacheserver.adapters.dht.DhtVerticle;
import dev.cacheserver.adapters.dht.EventBusPeerDirectory;
import dev.cacheserver.adapters.dht.StandalonePeerDirectory;
import dev.cacheserver.adapters.http.BinaryCacheEndpoint;
import dev.cacheserver.adapters.httpclient.HttpPeerClient;
import dev.cacheserver.adapters.http.PeerFallback;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.application.cluster.PeerAnnouncer;
import dev.cacheserver.application.cluster.PeerEvents;
import dev.cacheserver.application.cluster.PeerFallbackAssembly;
import dev.cacheserver.application.cluster.PeerSettings;
import dev.cacheserver.application.cluster.TrustedKeys;
import dev.cacheserver.application.ingest.NarIngestion;
import dev.cacheserver.application.port.in.ServeFromPeers;
import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.CacheSettings;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.port.PeerDirectory;
import dev.cacheserver.domain.signing.PublicSigningKey;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires clustering: deploys the one DHT verticle (in standalone mode when {@code standalone: true}, the library
 * is missing or the DHT port is busy: the server then serves its local paths only and says why in one line), and
 * gives each cache its peer fallback and its announcements. The system property {@value #LIBRARY_PROPERTY} names
 * another OpenDHT library file (a name that does not exist simulates a machine without OpenDHT).
 */
final class ClusterWiring {
    static final String LIBRARY_PROPERTY = "cache-server.dht.library";
    /** Seconds between two walks announcing every path again; the DHT forgets an announcement after 10 minutes. */
    static final String REANNOUNCE_PROPERTY = "cache-server.dht.reannounce-seconds";
    static final Duration DEFAULT_REANNOUNCE = Duration.ofMinutes(8);
    private static final Logger LOG = LoggerFactory.getLogger(ClusterWiring.class);
    private static final Duration PEER_CONNECT_TIMEOUT = Duration.ofMillis(1000);
    private static final Duration PEER_NARINFO_TIMEOUT = Duration.ofMillis(2000);
    private static final Duration PEER_NAR_IDLE_TIMEOUT = Duration.ofSeconds(60);

    private final AppConfig config;
    private final PeerDirectory directory;
    private final PeerAnnouncer announcer;
    private final HttpPeerClient client;
    private final TrustedKeys trusted;
    private final List<PublicSigningKey> ownKeys;
    private final Set<URI> ownUrls;
    private final List<PeerAnnouncer.Renewal> renewals = new java.util.concurrent.CopyOnWriteArrayList<>();

    private ClusterWiring(AppConfig config, PeerDirectory directory, HttpPeerClient client, TrustedKeys trusted,
                          List<PublicSigningKey> ownKeys, Set<URI> ownUrls) {
        this.config = config;
        this.directory = directory;
        this.announcer = new PeerAnnouncer(directory);
        this.client = client;
        this.trusted = trusted;
        this.ownKeys = List.copyOf(ownKeys);
        this.ownUrls = ownUrls;
    }

    /** Deploys the DHT verticle and prepares the shared pieces. Blocks until the verticle has started. */
    static ClusterWiring start(Vertx vertx, AppConfig config, KeyRing keys) throws Exception {
        List<PublicSigningKey> ownKeys = new ArrayList<>();
        Set<URI> ownUrls = new HashSet<>();
        for (CacheSettings cache : config.caches()) {
            if (cache.enabled()) {
                ownKeys.addAll(keys.signingKeys(cache).publicKeys());
                ownUrls.add(keys.publicUrl(cache));
            }
        }
        TrustedKeys trusted = new TrustedKeys(trustedKeys(config.server().dhtTrustedKeys(), ownKeys));
        List<DhtSettings.Peer> bootstrap = new ArrayList<>();
        config.server().dhtBootstrap().forEach(p -> bootstrap.add(new DhtSettings.Peer(p.host(), p.port())));
        DhtSettings settings = DhtSettings.of(config.server().dhtPort(), config.server().dhtNetwork(), bootstrap)
                .withLibrary(System.getProperty(LIBRARY_PROPERTY, DhtSettings.DEFAULT_LIBRARY));
        PeerDirectory directory;
        if (config.server().standalone()) {
            String reason = "standalone: true in the configuration";
            CacheServer.await(vertx.deployVerticle(DhtVerticle.disabled(settings, reason)));
            directory = new StandalonePeerDirectory(reason);
        } else {
            CacheServer.await(vertx.deployVerticle(new DhtVerticle(settings)));
            directory = new EventBusPeerDirectory(vertx, settings.lookupTimeout().plusMillis(400));
            warnAboutLocalUrls(config, keys);
        }
        warnAboutNamesakeKeys(config, keys, trusted);
        HttpPeerClient client = new HttpPeerClient(vertx, PEER_CONNECT_TIMEOUT, PEER_NARINFO_TIMEOUT,
                PEER_NAR_IDLE_TIMEOUT);
        return new ClusterWiring(config, directory, client, trusted, ownKeys, ownUrls);
    }

    /** From now on trusts peer narinfos signed by {@code configured} ({@code dht-trusted-keys}) or our own keys. */
    void trust(List<String> configured) {
        trusted.replace(trustedKeys(configured, ownKeys));
    }

    private static List<PublicSigningKey> trustedKeys(List<String> configured, List<PublicSigningKey> ownKeys) {
        List<PublicSigningKey> keys = new ArrayList<>();
        configured.forEach(k -> keys.add(PublicSigningKey.parse(k)));
        keys.addAll(ownKeys);
        return keys;
    }

    /** The peer directory (the DHT, or a standalone stand-in), e.g. for the Cachix API's DHT routes. */
    PeerDirectory directory() {
        return directory;
    }

    /**
     * Gives {@code endpoint} its peer fallback, announces every path the cache holds (public caches only; read from
     * {@code repository} in pages, in the background) and keeps announcing what gets published.
     */
    BinaryCacheEndpoint attach(BinaryCacheEndpoint endpoint, CacheProfile profile, NarInfoService narInfos,
                               NarInfoRepository repository, NarStore store) {
        PeerSettings settings = PeerSettings.DEFAULTS.withPullThrough(config.server().dhtPullThrough());
        ServeFromPeers fallback = PeerFallbackAssembly.serveFromPeers(profile, directory, client, trusted, ownUrls,
                settings, new NarIngestion(store, narInfos.uploadDigests()), narInfos.publishing()::publish,
                new LoggingPeerEvents(profile), Clock.systemUTC());
        narInfos.addListener(announcer.listenerFor(profile));
        boolean[] first = {true};
        Duration period = reannounceInterval();
        renewals.add(announcer.keepAnnounced(profile, repository, period, (count, e) -> {
            if (e != null) {
                LOG.warn("cache {}: announcing its paths to the cluster failed: {}", profile.name(), e.getMessage());
            } else if (first[0] && count > 0) {
                LOG.info("cache {}: handed {} paths to the cluster for announcement; announced again every {} s",
                        profile.name(), count, period.toSeconds());
            }
            first[0] = false;
        }));
        return endpoint.withPeers(new PeerFallback(fallback, client::open));
    }

    /** Stops the periodic announcement walks (at shutdown). */
    void stopAnnouncing() {
        renewals.forEach(PeerAnnouncer.Renewal::stop);
    }

    private static Duration reannounceInterval() {
        String seconds = System.getProperty(REANNOUNCE_PROPERTY);
        try {
            return seconds == null ? DEFAULT_REANNOUNCE : Duration.ofSeconds(Math.max(1, Long.parseLong(seconds.trim())));
        } catch (NumberFormatException e) {
            return DEFAULT_REANNOUNCE;
        }
    }

    /**
     * Two nodes whose keys share a name (the default name comes from the host name, so nodes behind one name or
     * on 127.0.0.1 collide) still work, as peer signatures are kept beside ours; but a client's
     * trusted-public-keys can list only one key per name, so it trusts only one node's key.
     */
    private static void warnAboutNamesakeKeys(AppConfig config, KeyRing keys, TrustedKeys trusted)
            throws java.io.IOException {
        for (CacheSettings cache : config.caches()) {
            if (!cache.enabled()) {
                continue;
            }
            PublicSigningKey own = keys.signingKey(cache).publicKey();
            for (PublicSigningKey namesake : trusted.namesakesOf(own)) {
                LOG.warn("cache {}: the trusted peer key {} has the name of this cache's key {} but is another key; "
                        + "give each node a key of its own name (signing-key-file, nix key generate-secret "
                        + "--key-name), so clients can trust both", cache.name(), namesake, own);
            }
        }
    }

    private static void warnAboutLocalUrls(AppConfig config, KeyRing keys) {
        for (CacheSettings cache : config.caches()) {
            if (cache.enabled() && cache.access() == CacheSettings.Access.PUBLIC && cache.url().isEmpty()) {
                LOG.info("cache {} is announced to the cluster as {}; set caches[].url if peers reach it at another "
                        + "address", cache.name(), keys.publicUrl(cache));
            }
        }
    }

    /** Peer problems for operators: a rejected narinfo is a warning (misconfiguration or attack). */
    private static final class LoggingPeerEvents implements PeerEvents {
        private final CacheProfile cache;

        LoggingPeerEvents(CacheProfile cache) {
            this.cache = cache;
        }

        @Override
        public void rejected(URI peer, StorePathHash hash, String reason) {
            LOG.warn("cache {}: dropped the narinfo of {} from peer {}: {}", cache.name(), hash, peer, reason);
        }

        @Override
        public void unreachable(URI peer, String reason) {
            LOG.debug("cache {}: peer {} unreachable: {}", cache.name(), peer, reason);
        }
    }
}
