package dev.cacheserver.bootstrap.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What reading one config document needs besides the YAML: the label used in messages, the directory that
 * relative paths are resolved against (the config file's directory) and the environment (HOME, XDG_*), which
 * is passed in rather than read from the process so tests are deterministic.
 */
record ConfigContext(String fileLabel, Path baseDir, Map<String, String> env) {
    /** The label of a document that did not come from a file. */
    static final String NO_FILE = "<config>";

    ConfigContext {
        env = Map.copyOf(env);
    }

    static ConfigContext of(Optional<Path> source, Map<String, String> env) {
        String label = source.map(Path::toString).orElse(NO_FILE);
        // Without a file, relative paths mean what they mean on a command line: relative to the working directory.
        Path base = source.map(p -> p.toAbsolutePath().getParent()).orElse(Path.of("").toAbsolutePath());
        return new ConfigContext(label, base, env);
    }

    /** An error about the whole document (no key path), e.g. an empty file. */
    ConfigException error(String problem) {
        return ConfigMessages.error(fileLabel, null, problem, null, null);
    }

    /** Resolves a path written in the config: {@code ~} is HOME, relative means relative to the config file. */
    Path resolvePath(String raw) {
        return ConfigPaths.resolve(raw, baseDir, env);
    }
}
