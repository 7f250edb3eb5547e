package dev.cacheserver.bootstrap;

import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.CacheSettings;
import dev.cacheserver.bootstrap.config.ConfigException;
import dev.cacheserver.bootstrap.config.ServerSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP ({@code systemctl reload}): re-reads the configuration file the server started with and validates it
 * whole. A broken file is logged (the message names the key) and changes nothing. Otherwise every changed key is
 * logged: those {@link LiveSettings} takes are applied at once, the others are named as needing a restart and
 * keep their running value. Reloads run one at a time; a later reload compares against the last applied file.
 */
final class ConfigReload {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);

    private final Function<Path, AppConfig> loader;
    private final LiveSettings live;
    private AppConfig running;

    ConfigReload(AppConfig running, LiveSettings live, Function<Path, AppConfig> loader) {
        this.running = running;
        this.live = live;
        this.loader = loader;
    }

    /** Re-reads and applies; returns the changes applied live (empty when the file was broken or unchanged). */
    synchronized List<ConfigChanges.Change> reload() {
        if (running.source().isEmpty()) {
            LOG.warn("reload: the server runs on the embedded default configuration; there is no file to re-read");
            return List.of();
        }
        Path file = running.source().get();
        AppConfig next;
        try {
            next = loader.apply(file);
        } catch (ConfigException | StartupException e) {
            LOG.error("reload: {} is invalid, keeping the running configuration: {}", file, e.getMessage());
            return List.of();
        } catch (RuntimeException e) {
            LOG.error("reload: cannot read {}, keeping the running configuration: {}", file, e.toString());
            return List.of();
        }
        List<ConfigChanges.Change> changes = ConfigChanges.between(running, next);
        List<ConfigChanges.Change> applied = changes.stream().filter(ConfigChanges.Change::live).toList();
        AppConfig effective = withRestartOnlyKeysOf(running, next);
        try {
            live.apply(effective);
        } catch (Exception e) {
            LOG.error("reload: applying {} failed, keeping the running configuration: {}", file, e.toString());
            return List.of();
        }
        running = effective;
        applied.forEach(c -> LOG.info("reload: applied {}", c));
        changes.stream().filter(c -> !c.live())
                .forEach(c -> LOG.warn("reload: {} changed but needs a restart; still running with the old value", c));
        LOG.info("reload: {} re-read: {} change(s) applied, {} need a restart", file, applied.size(),
                changes.size() - applied.size());
        return applied;
    }

    /**
     * The configuration in effect after the reload: live keys from {@code next}, restart-only keys at their running
     * value (so the generated token key is read from the running data-dir, and a pending change is reported again at
     * every reload until the restart).
     */
    private static AppConfig withRestartOnlyKeysOf(AppConfig running, AppConfig next) {
        Map<String, CacheSettings> nextCaches = new HashMap<>();
        next.caches().forEach(c -> nextCaches.put(c.name(), c));
        List<CacheSettings> caches = running.caches().stream().map(c -> {
            CacheSettings n = nextCaches.get(c.name());
            return n == null ? c : new CacheSettings(c.name(), c.port(), n.access(),
                    n.retention(), c.storageStrategy(), c.storages(), c.enabled(), c.url(), c.priority(),
                    c.compression(), c.signingKeyFiles(), n.maxSize());
        }).toList();
        ServerSettings s = running.server();
        ServerSettings n = next.server();
        ServerSettings server = new ServerSettings(s.dataDir(), s.database(), s.hostname(),
                s.standalone(), s.dhtPort(), s.dhtBootstrapHost(), s.dhtBootstrapPort(), s.dhtBootstrap(),
                s.dhtNetwork(), n.dhtTrustedKeys(), s.serverPort(), s.deployPort(), n.key(), n.defaultRetention(),
                s.defaultPort(), s.defaultStorage(), s.defaultStorageStrategy(), s.gcInterval(), s.dhtPullThrough(),
                s.metricsAccess(), s.requestLog(), s.maxBuildLogBytes(),
                s.narInfoCacheBytes(), s.connectionLimits(), n.defaultMaxSize(), s.sharedDatabase());
        return new AppConfig(server, caches, running.workspaces(), running.agents(), running.source(),
                running.upstreams());
    }
}
