package dev.cacheserver.bootstrap.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Makes sure no two listeners share a TCP port: the API server, the deploy websocket and every cache (enabled or
 * not, so enabling a cache later cannot break the server). The original only found a clash at start, and then
 * exited the whole server (bug C8). DHT's UDP port is a different namespace and is not registered.
 */
final class PortRegistry {
    private final String fileLabel;
    private final Map<Integer, String> owners = new HashMap<>();

    PortRegistry(String fileLabel) {
        this.fileLabel = fileLabel;
    }

    /**
     * Claims {@code port} for {@code owner} ("server.server-port", "cache \"main\" (caches[0])"); {@code keyPath} is where
     * the port was (or would have been) written and {@code origin} says where a defaulted port came from.
     */
    void claim(int port, String keyPath, String owner, String origin) {
        String previous = owners.putIfAbsent(port, owner);
        if (previous != null) {
            String source = origin.isEmpty() ? "" : " (" + origin + ")";
            String whose = owner.equals(keyPath) ? "" : " of " + owner;
            throw ConfigMessages.error(fileLabel, keyPath, "port " + port + source + whose
                    + " is already used by " + previous
                    + "; server-port, deploy-port and every cache port must all be different", null, null);
        }
    }
}
