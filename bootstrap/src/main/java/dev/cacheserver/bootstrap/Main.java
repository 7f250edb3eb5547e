package dev.cacheserver.bootstrap;

import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.ConfigException;
import dev.cacheserver.bootstrap.config.ConfigLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Command line entry point. Exit codes: 0 success, 1 runtime failure, 2 invalid configuration or usage.
 * <pre>
 * cache-server [--config FILE] [serve]
 * cache-server [--config FILE] token --cache NAME [--permission read|write|admin] [--expires 30d]
 * cache-server [--config FILE] token --admin [--expires 30d]
 * cache-server [--config FILE] public-key --cache NAME
 * cache-server [--config FILE] check-config
 * </pre>
 */
public final class Main {
    static final String USAGE = """
            usage: cache-server [--config FILE] [COMMAND] [OPTIONS]

            A Nix binary cache server. Without a config file ($XDG_CONFIG_HOME/cache-server/config.yaml) it serves
            one public cache 'main' on port 8080 with its data in $XDG_DATA_HOME/cache-server.

            commands:
              serve                    run the server (default)
              token --cache NAME       print a token for NAME (default permission: write, no expiry;
                                       the same token the original server printed)
                    [--permission read|write|admin] [--expires DURATION, e.g. 90d or 12h]
              token --admin            print an admin token valid for every cache
              token --agent NAME       print a Cachix Deploy agent's token (CACHIX_AGENT_TOKEN)
              token --workspace NAME   print a workspace's token (CACHIX_ACTIVATE_TOKEN)
              revoke-token ID          revoke a token by id (tokens with --permission or --expires have one)
              list-tokens              list the tokens issued with an id
              public-key --cache NAME  print the cache's public signing key (trusted-public-keys value)
              check-config             validate the configuration and exit (0 valid, 2 invalid)
              gc [--cache NAME] [--dry-run]
                                       sweep now (the server must be running): expired paths,
                                       paths over the cache's max-size, orphan NARs
              storage-usage [--cache NAME]  NAR files and bytes per storage of each cache
              path list|info|delete --cache NAME [--filter TEXT] [HASH-OR-PATH] [--force]
                                       list, inspect or delete stored paths (the server must be running)
              import-original --from ORIGINAL-DB [--cache ORIGINAL[=TARGET]]... [--dry-run]
                                       import the original server's paths and keys (stop the server first)

            options:
              --config FILE            configuration file (YAML)
              -h, --help               this help; 'COMMAND --help' for a command

            environment:
              CACHE_SERVER_SERVER__<KEY>, CACHE_SERVER_CACHES__<NAME>__<KEY>
                                       set a key over the file, e.g. CACHE_SERVER_SERVER__SERVER_PORT=5000
            """;

    static final String SERVE_USAGE = """
            usage: cache-server [--config FILE] serve

            Runs the server until SIGTERM or SIGINT (then stops in order and exits 0). SIGHUP re-reads the
            configuration file: what can change live is applied, what needs a restart is logged by key, and a
            broken file keeps the running configuration.
            """;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Optional<Path> configFile = Optional.empty();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                configFile = Optional.of(Path.of(args[++i]));
            } else if (args[i].startsWith("--config=")) {
                configFile = Optional.of(Path.of(args[i].substring(9)));
            } else if ((args[i].equals("-h") || args[i].equals("--help")) && rest.isEmpty()) {
                out.print(USAGE);
                return 0;
            } else {
                rest.add(args[i]);
            }
        }
        String command = rest.isEmpty() ? "serve" : rest.remove(0);
        try {
            switch (command) {
                case "serve":
                    if (rest.contains("--help") || rest.contains("-h")) {
                        out.print(SERVE_USAGE);
                        return 0;
                    }
                    if (!rest.isEmpty()) {
                        return usage(err, "serve takes no arguments, got " + rest);
                    }
                    return Serve.run(load(configFile));
                case "token":
                    return Commands.token(rest, configFile, out, err);
                case "revoke-token":
                    return TokenCommands.revoke(rest, configFile, out, err);
                case "list-tokens":
                    return TokenCommands.list(rest, configFile, out, err);
                case "public-key":
                    return Commands.publicKey(rest, configFile, out, err);
                case "check-config":
                    return Commands.checkConfig(rest, configFile, out, err);
                case "storage-usage":
                    return StorageUsageCommand.run(rest, configFile, out, err);
                case "gc":
                    return GcCommand.run(rest, configFile, out, err);
                case "path":
                    return PathCommand.run(rest, configFile, out, err);
                case "import-original":
                    return ImportOriginalCommand.run(rest, configFile, out, err);
                default:
                    return usage(err, "unknown command '" + command + "'");
            }
        } catch (ConfigException e) {
            err.println("cache-server: invalid configuration: " + e.getMessage());
            return 2;
        } catch (StartupException e) {
            err.println("cache-server: cannot start: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("cache-server: " + e);
            return 1;
        }
    }

    static AppConfig load(Optional<Path> configFile) {
        return ConfigLoader.load(configFile, System.getenv());
    }

    static int usage(PrintStream err, String problem) {
        err.println("cache-server: " + problem);
        err.print(USAGE);
        return 2;
    }
}
