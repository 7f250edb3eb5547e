package dev.cacheserver.bootstrap.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The upstream caches: {@code server.upstreams} (the default of every cache) and each cache's own
 * {@code upstreams:} (which replaces the default; an empty list turns pull-through off for that cache), plus the
 * timing shared by all: {@code timeout} per request to an upstream, {@code negativeTtl} for remembered misses,
 * {@code backoff} for skipping an upstream after a failure.
 */
public record UpstreamConfig(List<Entry> serverDefault, Map<String, List<Entry>> perCache, Duration timeout,
                             Duration negativeTtl, Duration backoff) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final UpstreamConfig NONE = new UpstreamConfig(List.of(), Map.of(), DEFAULT_TIMEOUT,
            Duration.ofMinutes(10), Duration.ofSeconds(30));

    public UpstreamConfig {
        serverDefault = List.copyOf(serverDefault);
        perCache = Map.copyOf(perCache);
    }

    /** The upstreams of cache {@code name}, in the order written (the caller sorts by priority). */
    public List<Entry> forCache(String name) {
        return perCache.getOrDefault(name, serverDefault);
    }

    /**
     * One upstream as configured: {@code publicKeys} are Nix public keys {@code name:base64}; {@code caFile} the PEM
     * certificates trusted for its HTTPS (empty: the JVM's trust store).
     */
    public record Entry(URI url, List<String> publicKeys, int priority, Optional<Path> caFile) {
        public Entry {
            publicKeys = List.copyOf(publicKeys);
            Objects.requireNonNull(caFile, "caFile");
        }

        public Entry(URI url, List<String> publicKeys, int priority) {
            this(url, publicKeys, priority, Optional.empty());
        }
    }
}
