package dev.cacheserver.bootstrap.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the upstream caches: {@code server.upstreams} and {@code caches[].upstreams} (lists of
 * {@code {url, public-keys, priority, ca-file}}) and the server keys {@code upstream-timeout}, {@code upstream-negative-ttl}
 * and {@code upstream-backoff}. Every upstream needs at least one public key: a narinfo is served only when one
 * of them verifies its signature.
 */
final class UpstreamSectionReader {
    static final List<String> ENTRY_KEYS = List.of("url", "public-keys", "priority", "ca-file");
    /** Nix's own default Priority for a cache that does not say. */
    static final int DEFAULT_PRIORITY = 50;

    private UpstreamSectionReader() {
    }

    static UpstreamConfig read(YamlNode serverSection, YamlNode cachesSection) {
        YamlMap server = serverSection.map(ServerSectionReader.KEYS);
        Map<String, Path> caFiles = new HashMap<>();
        List<UpstreamConfig.Entry> serverDefault = entries(server.get("upstreams"), caFiles);
        Map<String, List<UpstreamConfig.Entry>> perCache = new HashMap<>();
        if (cachesSection.isPresent()) {
            for (YamlNode item : cachesSection.list("caches")) {
                YamlMap cache = item.map(CacheSectionReader.KEYS);
                if (cache.has("upstreams")) {
                    perCache.put(cache.required("name").string(), entries(cache.get("upstreams"), caFiles));
                }
            }
        }
        UpstreamConfig defaults = UpstreamConfig.NONE;
        return new UpstreamConfig(serverDefault, perCache,
                duration(server.get("upstream-timeout"), defaults.timeout()),
                duration(server.get("upstream-negative-ttl"), defaults.negativeTtl()),
                duration(server.get("upstream-backoff"), defaults.backoff()));
    }

    private static Duration duration(YamlNode node, Duration fallback) {
        return node.isPresent() ? ConfigValues.interval(node) : fallback;
    }

    /**
     * The PEM certificates trusted for an HTTPS upstream, checked now (absent: the JVM's trust store). They apply to
     * its whole origin (the NARs it links to are there too), so two upstreams on one origin may not differ.
     */
    private static Optional<Path> caFile(YamlNode node, URI url, Map<String, Path> caFiles) {
        if (!node.isPresent()) {
            return Optional.empty();
        }
        Path file = ConfigValues.path(node);
        try {
            PemCertificates.check(file);
        } catch (IllegalArgumentException e) {
            throw node.fail(e.getMessage());
        }
        String origin = url.getScheme() + "://" + url.getHost() + ":" + url.getPort();
        Path known = caFiles.putIfAbsent(origin, file);
        if (known != null && !known.equals(file)) {
            throw node.fail("another upstream on " + url.getScheme() + "://" + url.getAuthority() + " trusts "
                    + known + "; every upstream on one scheme, host and port must use the same ca-file");
        }
        return Optional.of(file);
    }

    private static List<UpstreamConfig.Entry> entries(YamlNode section, Map<String, Path> caFiles) {
        List<UpstreamConfig.Entry> entries = new ArrayList<>();
        for (YamlNode item : section.list("upstream caches {url, public-keys, priority}")) {
            YamlMap map = item.map(ENTRY_KEYS);
            YamlNode keysNode = map.required("public-keys", "a list of Nix public keys name:base64");
            List<String> keys = new ArrayList<>();
            for (YamlNode key : keysNode.list("Nix public keys name:base64")) {
                keys.add(key.parse(NixPublicKeys::check));
            }
            if (keys.isEmpty()) {
                throw keysNode.fail("must list at least one key: a narinfo from this upstream is served only when "
                        + "one of its keys verifies its signature");
            }
            URI url = ConfigValues.url(map.required("url"));
            entries.add(new UpstreamConfig.Entry(url, keys,
                    map.has("priority") ? (int) map.get("priority").integer(0, CacheSectionReader.MAX_PRIORITY)
                            : DEFAULT_PRIORITY, caFile(map.get("ca-file"), url, caFiles)));
        }
        return entries;
    }
}
