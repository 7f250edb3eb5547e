package dev.cacheserver.bootstrap.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The configuration's layers, read through vertx-config: the file by its YAML store, then the environment's
 * {@linkplain EnvironmentOverrides override variables} by a JSON store laid over it. The retriever reads
 * asynchronously (the file on a worker), once per call: no scanning, no default stores. What comes back is the
 * merged document; its override variables are then laid over the file's node tree by {@link OverrideOverlay},
 * because the JSON of the YAML store has lost what the messages need (lines, quoting, YAML tags).
 */
final class ConfigLayers {
    private static final long TIMEOUT_SECONDS = 60;

    private ConfigLayers() {
    }

    /**
     * The override variables in effect: those of {@code env} as the retriever returns them merged over
     * {@code file}'s YAML store (without a file, the environment layer alone). Fails when the YAML store cannot read
     * the file.
     */
    static Future<Map<String, String>> overrideVariables(Vertx vertx, Optional<Path> file, Map<String, String> env) {
        JsonObject variables = new JsonObject();
        env.forEach((name, value) -> {
            if (EnvironmentOverrides.isOverride(name)) {
                variables.put(name, value);
            }
        });
        ConfigRetrieverOptions options = new ConfigRetrieverOptions().setIncludeDefaultStores(false).setScanPeriod(-1);
        file.ifPresent(f -> options.addStore(new ConfigStoreOptions().setType("file").setFormat("yaml")
                .setConfig(new JsonObject().put("path", f.toAbsolutePath().toString()))));
        options.addStore(new ConfigStoreOptions().setType("json").setConfig(variables));
        ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
        return retriever.getConfig().map(ConfigLayers::variablesOf).eventually(retriever::close);
    }

    private static Map<String, String> variablesOf(JsonObject merged) {
        Map<String, String> variables = new TreeMap<>();
        merged.forEach(entry -> {
            if (EnvironmentOverrides.isOverride(entry.getKey())) {
                variables.put(entry.getKey(), String.valueOf(entry.getValue()));
            }
        });
        return variables;
    }

    /**
     * Runs {@code work} on a Vert.x instance of its own and waits for its result (for the commands and the start,
     * which read the configuration before the server's Vert.x exists; never called on an event loop).
     */
    static <T> T awaitOnOwnVertx(Function<Vertx, Future<T>> work) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setFileSystemOptions(new FileSystemOptions().setClassPathResolvingEnabled(false)
                        .setFileCachingEnabled(false)));
        try {
            return work.apply(vertx).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("reading the configuration took longer than " + TIMEOUT_SECONDS + " s", e);
        } finally {
            try {
                vertx.close().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException | RuntimeException e) {
                // Only threads of a finished read are left; nothing to report.
            }
        }
    }
}
