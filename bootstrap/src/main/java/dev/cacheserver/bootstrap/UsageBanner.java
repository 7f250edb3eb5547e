package dev.cacheserver.bootstrap;

import dev.cacheserver.bootstrap.config.AppConfig;

/** The startup text that tells a user how to point {@code nix} at a cache and push to it. No secrets. */
final class UsageBanner {
    private UsageBanner() {
    }

    static String forCache(CacheServer.RunningCache cache, AppConfig config) {
        String url = cache.profile().publicUrl().toString();
        // During a key rotation every active key is listed, current first: a client may trust any of them.
        String key = String.join(" ", cache.profile().signingKeys().publicKeys().stream().map(Object::toString).toList());
        String host = cache.profile().publicUrl().getHost();
        String configArg = config.source().map(p -> " --config " + p).orElse("");
        boolean isPublic = cache.profile().isPublic();
        return "cache '" + cache.settings().name() + "' (" + (isPublic ? "public" : "private") + ") at " + url + "\n"
                + (cache.profile().signingKeys().active().size() > 1 ? "  public keys: " : "  public key: ") + key + "\n"
                + "  nix.conf:\n"
                + "    substituters = " + url + "\n"
                + "    trusted-public-keys = " + key + "\n"
                + (isPublic ? "" : "    netrc-file = /etc/nix/netrc   (reads need a token too)\n")
                + "  push:  nix copy --to '" + url + "?compression=zstd' PATH...\n"
                + "         with a write token in the netrc file:  machine " + host + " password <token>\n"
                + "  token: java -jar cache-server.jar" + configArg + " token --cache " + cache.settings().name();
    }
}
