package dev.cacheserver.bootstrap.config;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Loads the configuration: a YAML file becomes a validated {@link AppConfig}, or one {@link ConfigException}
 * whose one-line message names the file, the key path, the problem, the bad value and what is allowed
 * ({@code config.yaml: caches[1].port: must be an integer from 1 to 65535 (got "abc")}; list indexes count
 * from 0). Secret values are shown as {@code <hidden>}.
 *
 * <p>File lookup: the explicit file if given; else {@code $XDG_CONFIG_HOME/cache-server/config.yaml}, then
 * {@code config.yml}; else the {@linkplain #embeddedDefault embedded default}. The environment (HOME,
 * XDG_CONFIG_HOME, XDG_DATA_HOME, and the {@linkplain EnvironmentOverrides override variables}) always comes from
 * the map passed in, never from the process, and nothing is written or created here: checking that directories and
 * key files exist is the caller's job at start.
 *
 * <p>Layers: the file (or the embedded default), then the {@code CACHE_SERVER_...__...} override variables, read
 * through vertx-config ({@link ConfigLayers}) by {@link #load}; {@link #parse} takes YAML text and the variables of
 * the map directly. Either way the overrides are laid over the file's node tree ({@link OverrideOverlay}) and
 * validated by the same section readers, so a value from the environment gets the checks and messages of the file.
 */
public final class ConfigLoader {
    static final List<String> TOP_LEVEL_KEYS = List.of("server", "caches", "workspaces", "agents");

    private ConfigLoader() {
    }

    /**
     * Reads {@code explicitFile}, or the first XDG config file found, or returns the embedded default, with the
     * environment's overrides laid over it. Blocks the calling thread (never an event loop): the layers are read
     * through vertx-config on a Vert.x instance of its own.
     */
    public static AppConfig load(Optional<Path> explicitFile, Map<String, String> env) {
        return ConfigLayers.awaitOnOwnVertx(vertx -> load(vertx, explicitFile, env));
    }

    /**
     * As {@link #load(Optional, Map)}, on {@code vertx} and without blocking: the file is found and read on a worker,
     * the layers merged by vertx-config ({@link ConfigLayers}), and the result validated on a worker. Fails with the
     * same {@link ConfigException}s.
     */
    public static Future<AppConfig> load(Vertx vertx, Optional<Path> explicitFile, Map<String, String> env) {
        return vertx.executeBlocking(() -> find(explicitFile, env)).compose(file -> {
            if (file.isEmpty()) {
                return ConfigLayers.overrideVariables(vertx, file, env)
                        .compose(variables -> vertx.executeBlocking(() -> embeddedDefault(env, variables)));
            }
            return vertx.executeBlocking(() -> read(file.get())).compose(text ->
                    ConfigLayers.overrideVariables(vertx, file, env)
                            // The file's own error (with its line or key) comes before the YAML store's.
                            .recover(failure -> vertx.executeBlocking(() -> {
                                parse(text, file, env, Map.of());
                                throw ConfigMessages.error(file.get().toString(), null, "cannot read the config file: "
                                        + failure.getMessage(), null, null);
                            }))
                            .compose(variables -> vertx.executeBlocking(() -> parse(text, file, env, variables))));
        });
    }

    private static Optional<Path> find(Optional<Path> explicitFile, Map<String, String> env) {
        if (explicitFile.isPresent()) {
            return explicitFile;
        }
        return ConfigPaths.candidateFiles(env).stream().filter(Files::exists).findFirst();
    }

    /**
     * Parses and validates YAML text with the override variables of {@code env} laid over it; {@code source} is used
     * for messages and to resolve relative paths.
     */
    public static AppConfig parse(String yaml, Optional<Path> source, Map<String, String> env) {
        return parse(yaml, source, env, env);
    }

    private static AppConfig parse(String yaml, Optional<Path> source, Map<String, String> env,
                                   Map<String, String> variables) {
        ConfigContext ctx = ConfigContext.of(source, env);
        // An empty file, one with only comments, or a lone "~" is a mistake rather than "all defaults".
        Node document = YamlParser.compose(yaml, ctx.fileLabel()).orElse(null);
        if (document == null || (document instanceof ScalarNode && Tag.NULL.equals(document.getTag()))) {
            throw ctx.error("config file is empty; write at least a server: or caches: section, "
                    + "or delete the file to use the built-in default");
        }
        return read(ctx, document, variables, source, false);
    }

    /**
     * The configuration used when there is no config file: standalone (no DHT), bound to 0.0.0.0, API on 5000,
     * deploy on 5001, one public cache {@code main} on 8080 keeping paths forever in one local storage, the
     * database and NARs under {@code $XDG_DATA_HOME/cache-server}, token key generated at first start; with the
     * override variables of {@code env} applied.
     */
    public static AppConfig embeddedDefault(Map<String, String> env) {
        return embeddedDefault(env, env);
    }

    private static AppConfig embeddedDefault(Map<String, String> env, Map<String, String> variables) {
        ConfigContext ctx = ConfigContext.of(Optional.empty(), env);
        ConfigContext embedded = new ConfigContext("embedded default config", ctx.baseDir(), env);
        return read(embedded, null, variables, Optional.empty(), true);
    }

    /** Validates {@code document} (null: nothing written) with the overrides laid over it. */
    private static AppConfig read(ConfigContext ctx, Node document, Map<String, String> variables,
                                  Optional<Path> source, boolean standaloneDefault) {
        OverrideOverlay overlay = new OverrideOverlay();
        YamlNode root = YamlNode.root(ctx, overlay.apply(document, EnvironmentOverrides.from(variables)),
                overlay.origins());
        YamlMap top = root.map(TOP_LEVEL_KEYS);
        ServerSettings server = ServerSectionReader.read(top.get("server"), standaloneDefault);
        List<CacheSettings> caches = CacheSectionReader.read(top.get("caches"), server, serverPorts(ctx, server));
        List<WorkspaceSettings> workspaces = DeploySectionReader.workspaces(top.get("workspaces"), caches);
        List<AgentSettings> agents = DeploySectionReader.agents(top.get("agents"), workspaces);
        UpstreamConfig upstreams = UpstreamSectionReader.read(top.get("server"), top.get("caches"));
        return new AppConfig(server, caches, workspaces, agents, source, upstreams);
    }

    private static PortRegistry serverPorts(ConfigContext ctx, ServerSettings server) {
        PortRegistry ports = new PortRegistry(ctx.fileLabel());
        ports.claim(server.serverPort(), "server.server-port", "server.server-port", "");
        ports.claim(server.deployPort(), "server.deploy-port", "server.deploy-port", "");
        return ports;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw ConfigMessages.error(file.toString(), null, "cannot read the config file: it does not exist", null, null);
        } catch (AccessDeniedException e) {
            throw ConfigMessages.error(file.toString(), null, "cannot read the config file: permission denied", null, null);
        } catch (CharacterCodingException e) {
            throw ConfigMessages.error(file.toString(), null, "cannot read the config file: it is not UTF-8 text", null, null);
        } catch (IOException e) {
            String reason = Files.isDirectory(file) ? "it is a directory" : String.valueOf(e.getMessage());
            throw ConfigMessages.error(file.toString(), null, "cannot read the config file: " + reason, null, null);
        }
    }
}
