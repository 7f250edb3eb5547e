package dev.cacheserver.adapters.dht;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The DHT node's settings. {@code bootstrap} entries are {@code host:port} peers (IP literals or names, resolved
 * off the DHT thread); {@code network} is the private OpenDHT network id (never 0); {@code lookupTimeout} bounds
 * every lookup; {@code announcesPerSecond} paces announcements under the library's per-source rate limit
 * (1024 requests/s); {@code pingInterval} is how often configured peers are pinged; {@code library} is the
 * shared library to load (a name that does not exist simulates a machine without OpenDHT).
 */
public record DhtSettings(String library, int port, long network, List<Peer> bootstrap, Duration lookupTimeout,
                          int announcesPerSecond, Duration pingInterval) {
    public static final String DEFAULT_LIBRARY = OpenDhtC.SONAME;
    public static final Duration DEFAULT_LOOKUP_TIMEOUT = Duration.ofMillis(600);
    public static final int DEFAULT_ANNOUNCES_PER_SECOND = 200;
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(15);

    public DhtSettings {
        Objects.requireNonNull(library, "library");
        bootstrap = List.copyOf(bootstrap);
        if (network <= 0 || network > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("the DHT network id must be 1 to 4294967295 (0 is the public network)");
        }
        if (announcesPerSecond < 1) {
            throw new IllegalArgumentException("announcesPerSecond must be positive");
        }
    }

    public static DhtSettings of(int port, long network, List<Peer> bootstrap) {
        return new DhtSettings(DEFAULT_LIBRARY, port, network, bootstrap, DEFAULT_LOOKUP_TIMEOUT,
                DEFAULT_ANNOUNCES_PER_SECOND, DEFAULT_PING_INTERVAL);
    }

    public DhtSettings withLibrary(String name) {
        return new DhtSettings(name, port, network, bootstrap, lookupTimeout, announcesPerSecond, pingInterval);
    }

    /** A bootstrap peer. */
    public record Peer(String host, int port) {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
