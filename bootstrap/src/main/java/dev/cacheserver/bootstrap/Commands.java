package dev.cacheserver.bootstrap;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.CacheSettings;
import dev.cacheserver.bootstrap.config.DurationParser;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The administrative commands; they read the configuration and the data directory, never a running server. */
final class Commands {
    private Commands() {
    }

    static int token(List<String> args, Optional<Path> configFile, PrintStream out, PrintStream err) throws Exception {
        String cache = null;
        String agent = null;
        String workspace = null;
        boolean admin = false;
        Permission permission = null;
        Duration expires = null;
        try {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String value = i + 1 < args.size() ? args.get(i + 1) : null;
            switch (arg) {
                case "--help", "-h" -> {
                    out.println("usage: cache-server token --cache NAME [--permission read|write|admin] [--expires DURATION]");
                    out.println("       cache-server token --admin [--expires DURATION]");
                    out.println("       cache-server token --agent NAME | --workspace NAME [--expires DURATION]");
                    out.println("Prints a token signed with the server key. Without --permission and --expires it is the");
                    out.println("original server's token for the cache ({\"name\": NAME}), which grants write access.");
                    out.println("--agent: the CACHIX_AGENT_TOKEN of a Cachix Deploy agent; --workspace: the");
                    out.println("CACHIX_ACTIVATE_TOKEN of a workspace (activate, view). Same format as the original's.");
                    return 0;
                }
                case "--cache" -> {
                    cache = require(arg, value);
                    i++;
                }
                case "--agent" -> {
                    agent = require(arg, value);
                    i++;
                }
                case "--workspace" -> {
                    workspace = require(arg, value);
                    i++;
                }
                case "--admin" -> admin = true;
                case "--permission" -> {
                    try {
                        permission = Permission.valueOf(require(arg, value).toUpperCase());
                    } catch (IllegalArgumentException e) {
                        return Main.usage(err, "--permission must be read, write or admin");
                    }
                    i++;
                }
                case "--expires" -> {
                    try {
                        expires = DurationParser.parse(require(arg, value));
                    } catch (IllegalArgumentException e) {
                        return Main.usage(err, "--expires: " + e.getMessage());
                    }
                    i++;
                }
                default -> {
                    return Main.usage(err, "token: unknown option " + arg);
                }
            }
        }
        } catch (IllegalArgumentException e) {
            return Main.usage(err, "token: " + e.getMessage());
        }
        int subjects = (admin ? 1 : 0) + (cache != null ? 1 : 0) + (agent != null ? 1 : 0) + (workspace != null ? 1 : 0);
        if (subjects != 1) {
            return Main.usage(err, "token needs exactly one of --cache NAME, --admin, --agent NAME or --workspace NAME");
        }
        AppConfig config = Main.load(configFile);
        if (agent != null || workspace != null) {
            return deployToken(config, agent, workspace, permission, expires, out, err);
        }
        if (cache != null && findCache(config, cache).isEmpty()) {
            err.println("cache-server: no cache named '" + cache + "' in the configuration");
            return 2;
        }
        String subject = admin ? AccessPolicy.ANY_CACHE : cache;
        Permission perm = admin ? Permission.ADMIN : permission == null ? Permission.WRITE : permission;
        Instant expiry = expires == null ? null : Instant.now().plus(expires);
        // Plain {"name": cache} tokens stay deterministic, like the original's; others get an id for revocation.
        String id = perm == Permission.WRITE && expiry == null ? null : UUID.randomUUID().toString();
        Hs256Tokens tokens = new Hs256Tokens(new KeyRing(config).tokenKey());
        TokenClaims claims = new TokenClaims(subject, perm, expiry, id);
        TokenCommands.record(config, claims);
        out.println(tokens.issue(claims));
        return 0;
    }

    /** A Cachix Deploy token: {@code {"name": agent-or-workspace}} like the original's, or scoped/expiring. */
    private static int deployToken(AppConfig config, String agent, String workspace, Permission permission,
                                   Duration expires, PrintStream out, PrintStream err) throws Exception {
        boolean known = agent != null ? config.agents().stream().anyMatch(a -> a.name().equals(agent))
                : config.workspaces().stream().anyMatch(w -> w.name().equals(workspace));
        if (!known) {
            err.println("cache-server: no " + (agent != null ? "agent named '" + agent : "workspace named '" + workspace)
                    + "' in the configuration");
            return 2;
        }
        Permission perm = permission == null ? Permission.WRITE : permission;
        Instant expiry = expires == null ? null : Instant.now().plus(expires);
        String id = perm == Permission.WRITE && expiry == null ? null : UUID.randomUUID().toString();
        Hs256Tokens tokens = new Hs256Tokens(new KeyRing(config).tokenKey());
        TokenClaims claims = new TokenClaims(agent != null ? agent : workspace, perm, expiry, id);
        TokenCommands.record(config, claims);
        out.println(tokens.issue(claims));
        return 0;
    }

    static int publicKey(List<String> args, Optional<Path> configFile, PrintStream out, PrintStream err) throws Exception {
        if (args.contains("--help") || args.contains("-h")) {
            out.println("usage: cache-server public-key --cache NAME");
            out.println("Prints the cache's public signing keys, one a line, the current key first: the values for");
            out.println("trusted-public-keys in nix.conf (during a key rotation a client may trust any of them).");
            return 0;
        }
        if (args.size() != 2 || !args.get(0).equals("--cache")) {
            return Main.usage(err, "public-key needs --cache NAME");
        }
        AppConfig config = Main.load(configFile);
        Optional<CacheSettings> cache = findCache(config, args.get(1));
        if (cache.isEmpty()) {
            err.println("cache-server: no cache named '" + args.get(1) + "' in the configuration");
            return 2;
        }
        new KeyRing(config).signingKeys(cache.get()).publicKeys().forEach(out::println);
        return 0;
    }

    static int checkConfig(List<String> args, Optional<Path> configFile, PrintStream out, PrintStream err)
            throws java.io.IOException {
        if (args.contains("--help") || args.contains("-h")) {
            out.println("usage: cache-server [--config FILE] check-config");
            out.println("Validates the configuration without starting; exit 0 when valid, 2 with a message when not.");
            return 0;
        }
        AppConfig config = Main.load(configFile);
        new KeyRing(config).checkConfiguredKeys();
        out.println("configuration OK: " + config.source().map(Path::toString).orElse("embedded default") + ", "
                + config.caches().size() + " cache(s): "
                + String.join(", ", config.caches().stream().map(c -> c.name() + " on port " + c.port()).toList()));
        return 0;
    }

    private static Optional<CacheSettings> findCache(AppConfig config, String name) {
        return config.caches().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    private static String require(String option, String value) {
        if (value == null || value.startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
