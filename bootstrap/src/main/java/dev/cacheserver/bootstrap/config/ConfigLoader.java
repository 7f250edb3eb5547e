package dev.cacheserver.bootstrap.config;

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

/**
 * Loads the configuration: a YAML file becomes a validated {@link AppConfig}, or one {@link ConfigException}
 * whose one-line message names the file, the key path, the problem, the bad value and what is allowed
 * ({@code config.yaml: caches[1].port: must be an integer from 1 to 65535 (got "abc")}; list indexes count
 * from 0). Secret values are shown as {@code <hidden>}.
 *
 * <p>File lookup: the explicit file if given; else {@code $XDG_CONFIG_HOME/cache-server/config.yaml}, then
 * {@code config.yml}; else the {@linkplain #embeddedDefault embedded default}. The environment (HOME,
 * XDG_CONFIG_HOME, XDG_DATA_HOME) always comes from the map passed in, never from the process, and nothing is
 * written or created here: checking that directories and key files exist is the caller's job at start.
 */
public final class ConfigLoader {
    static final List<String> TOP_LEVEL_KEYS = List.of("server", "caches", "workspaces", "agents");

    private ConfigLoader() {
    }

    /** Reads {@code explicitFile}, or the first XDG config file found, or returns the embedded default. */
    public static AppConfig load(Optional<Path> explicitFile, Map<String, String> env) {
        if (explicitFile.isPresent()) {
            return parse(read(explicitFile.get()), explicitFile, env);
        }
        for (Path candidate : ConfigPaths.candidateFiles(env)) {
            if (Files.exists(candidate)) {
                return parse(read(candidate), Optional.of(candidate), env);
            }
        }
        return embeddedDefault(env);
    }

    /** Parses and validates YAML text; {@code source} is used for messages and to resolve relative paths. */
    public static AppConfig parse(String yaml, Optional<Path> source, Map<String, String> env) {
        ConfigContext ctx = ConfigContext.of(source, env);
        // An empty file, one with only comments, or a lone "~" is a mistake rather than "all defaults".
        YamlNode root = YamlNode.root(ctx, YamlParser.compose(yaml, ctx.fileLabel()).orElse(null));
        if (!root.isPresent()) {
            throw ctx.error("config file is empty; write at least a server: or caches: section, "
                    + "or delete the file to use the built-in default");
        }
        YamlMap top = root.map(TOP_LEVEL_KEYS);
        ServerSettings server = ServerSectionReader.read(top.get("server"), false);
        List<CacheSettings> caches = CacheSectionReader.read(top.get("caches"), server, serverPorts(ctx, server));
        List<WorkspaceSettings> workspaces = DeploySectionReader.workspaces(top.get("workspaces"), caches);
        List<AgentSettings> agents = DeploySectionReader.agents(top.get("agents"), workspaces);
        UpstreamConfig upstreams = UpstreamSectionReader.read(top.get("server"), top.get("caches"));
        return new AppConfig(server, caches, workspaces, agents, source, upstreams);
    }

    /**
     * The configuration used when there is no config file: standalone (no DHT), bound to 0.0.0.0, API on 5000,
     * deploy on 5001, one public cache {@code main} on 8080 keeping paths forever in one local storage, the
     * database and NARs under {@code $XDG_DATA_HOME/cache-server}, token key generated at first start.
     */
    public static AppConfig embeddedDefault(Map<String, String> env) {
        ConfigContext ctx = ConfigContext.of(Optional.empty(), env);
        YamlNode nothing = YamlNode.root(new ConfigContext("embedded default config", ctx.baseDir(), env), null);
        ServerSettings server = ServerSectionReader.read(nothing, true);
        return new AppConfig(server, List.of(CacheSectionReader.defaultCache(server)), List.of(), List.of(),
                Optional.empty());
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
