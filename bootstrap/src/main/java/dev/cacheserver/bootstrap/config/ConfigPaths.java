package dev.cacheserver.bootstrap.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The XDG base-directory rules, applied to an environment map rather than the process environment:
 * the config file is {@code $XDG_CONFIG_HOME/cache-server/config.yaml} (then {@code config.yml}),
 * {@code XDG_CONFIG_HOME} defaulting to {@code $HOME/.config}; data lives in {@code $XDG_DATA_HOME/cache-server},
 * {@code XDG_DATA_HOME} defaulting to {@code $HOME/.local/share}. As the XDG spec says, an empty or relative
 * {@code XDG_*} value is ignored.
 */
final class ConfigPaths {
    static final String APP_DIR = "cache-server";

    private ConfigPaths() {
    }

    /** The config files to look for, in order; empty when neither XDG_CONFIG_HOME nor HOME is usable. */
    static List<Path> candidateFiles(Map<String, String> env) {
        return xdgDir(env, "XDG_CONFIG_HOME", ".config")
                .map(dir -> List.of(dir.resolve(APP_DIR).resolve("config.yaml"), dir.resolve(APP_DIR).resolve("config.yml")))
                .orElse(List.of());
    }

    /** {@code $XDG_DATA_HOME/cache-server}; empty when neither XDG_DATA_HOME nor HOME is usable. */
    static Optional<Path> defaultDataDir(Map<String, String> env) {
        return xdgDir(env, "XDG_DATA_HOME", ".local/share").map(dir -> dir.resolve(APP_DIR));
    }

    /**
     * A path from the config: {@code ~} and {@code ~/x} expand to HOME, a relative path is taken relative to
     * {@code baseDir} (the config file's directory, so the file means the same wherever the server is started).
     */
    static Path resolve(String raw, Path baseDir, Map<String, String> env) {
        String text = raw.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("must be a non-empty path");
        }
        try {
            if (text.equals("~") || text.startsWith("~/")) {
                Path home = absolute(env.get("HOME"))
                        .orElseThrow(() -> new IllegalArgumentException("starts with ~ but HOME is not set"));
                return text.length() <= 2 ? home : home.resolve(text.substring(2)).normalize();
            }
            return baseDir.resolve(text).normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("is not a valid path: " + e.getReason());
        }
    }

    private static Optional<Path> xdgDir(Map<String, String> env, String variable, String underHome) {
        return absolute(env.get(variable)).or(() -> absolute(env.get("HOME")).map(home -> home.resolve(underHome)));
    }

    private static Optional<Path> absolute(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            Path path = Path.of(value);
            return path.isAbsolute() ? Optional.of(path.normalize()) : Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
