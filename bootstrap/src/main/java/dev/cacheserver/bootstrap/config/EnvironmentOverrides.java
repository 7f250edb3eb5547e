package dev.cacheserver.bootstrap.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The configuration keys set by environment variables, for containers: {@code CACHE_SERVER_SERVER__<KEY>} sets
 * {@code server.<key>} and {@code CACHE_SERVER_CACHES__<NAME>__<KEY>} sets the key of the cache named {@code <name>};
 * a key or name is written in capitals with {@code _} for {@code -} ({@code SERVER_PORT} is {@code server-port},
 * {@code MY_CACHE} names {@code my-cache} or {@code my_cache}). The value is read as a YAML value, like one written
 * in the file after the key. Only names with a double underscore are overrides: {@code CACHE_SERVER_LOG_LEVEL},
 * {@code CACHE_SERVER_JVM_OPTS} and the like are not configuration keys. A misspelt override is an error naming
 * the variable, not ignored.
 */
final class EnvironmentOverrides {
    static final String PREFIX = "CACHE_SERVER_";
    private static final String SEPARATOR = "__";

    /** One override: the variable, the key path it sets ({@code server}, key or {@code caches}, name, key) and its text. */
    record Override(String variable, String section, String cache, String key, String value) {
        /** How messages name where the value came from. */
        String label() {
            return label(variable);
        }

        /** The key path in messages: {@code server.server-port}, {@code caches[main].access}. */
        String path() {
            return cache == null ? section + "." + key : section + "[" + cache.toLowerCase(Locale.ROOT) + "]." + key;
        }

        static String label(String variable) {
            return "environment variable " + variable;
        }
    }

    private EnvironmentOverrides() {
    }

    /** Whether {@code variable} is meant as a configuration override (and must then name a known key). */
    static boolean isOverride(String variable) {
        return variable.startsWith(PREFIX) && variable.substring(PREFIX.length()).contains(SEPARATOR);
    }

    /** The overrides among {@code variables}, sorted by name so that errors come in the same order every run. */
    static List<Override> from(Map<String, String> variables) {
        List<Override> overrides = new ArrayList<>();
        new TreeMap<>(variables).forEach((name, value) -> {
            if (isOverride(name)) {
                overrides.add(parse(name, value));
            }
        });
        return overrides;
    }

    private static Override parse(String variable, String value) {
        String[] parts = variable.substring(PREFIX.length()).split(SEPARATOR, -1);
        if (parts.length == 2 && parts[0].equals("SERVER")) {
            return new Override(variable, "server", null, key(variable, "server", parts[1],
                    ServerSectionReader.KEYS), value);
        }
        if (parts.length == 3 && parts[0].equals("CACHES") && !parts[1].isEmpty()) {
            List<String> keys = CacheSectionReader.KEYS.stream().filter(k -> !k.equals("name")).toList();
            String at = "caches[" + parts[1].toLowerCase(Locale.ROOT) + "]";
            if (parts[2].equals("NAME")) {
                throw ConfigMessages.error(Override.label(variable), at + ".name", "cannot be set from the "
                        + "environment: the name in the variable selects the cache", null, null);
            }
            return new Override(variable, "caches", parts[1], key(variable, at, parts[2], keys), value);
        }
        throw ConfigMessages.error(Override.label(variable), null, "is not a configuration key; write "
                + PREFIX + "SERVER__<KEY> or " + PREFIX + "CACHES__<NAME>__<KEY>, e.g. " + PREFIX
                + "SERVER__SERVER_PORT=5000 or " + PREFIX + "CACHES__MAIN__ACCESS=private", null, null);
    }

    private static String key(String variable, String at, String written, List<String> allowed) {
        String key = written.toLowerCase(Locale.ROOT).replace('_', '-');
        if (!allowed.contains(key)) {
            String hint = KeySuggestions.closest(key, allowed)
                    .map(k -> "; did you mean " + k.toUpperCase(Locale.ROOT).replace('-', '_') + "?").orElse("");
            throw ConfigMessages.error(Override.label(variable), at + "." + key, "unknown key" + hint, null,
                    String.join(", ", allowed));
        }
        return key;
    }

    /** How a cache name is written in a variable: capitals, {@code -} as {@code _}. */
    static String variableSpelling(String cacheName) {
        return cacheName.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
