package dev.cacheserver.bootstrap;

import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.CacheSettings;
import dev.cacheserver.bootstrap.config.ServerSettings;
import dev.cacheserver.bootstrap.config.UpstreamConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What differs between the running configuration and a re-read one, key by key, and whether each change
 * applies while running ({@link LiveSettings}) or needs a restart. Secrets and storage details are named,
 * never printed.
 */
final class ConfigChanges {
    /** One changed key: its path in the file, a printable description, and whether a reload applies it. */
    record Change(String key, String description, boolean live) {
        @Override
        public String toString() {
            return key + ": " + description;
        }
    }

    private final List<Change> changes = new ArrayList<>();

    private ConfigChanges() {
    }

    static List<Change> between(AppConfig running, AppConfig next) {
        ConfigChanges diff = new ConfigChanges();
        diff.server(running.server(), next.server());
        diff.caches(running.caches(), next.caches());
        diff.upstreams(running.upstreams(), next.upstreams(), running.caches());
        diff.hidden("workspaces", running.workspaces(), next.workspaces(), false);
        diff.hidden("agents", running.agents(), next.agents(), false);
        return List.copyOf(diff.changes);
    }

    private void server(ServerSettings a, ServerSettings b) {
        shown("server.data-dir", a.dataDir(), b.dataDir(), false);
        shown("server.database", a.database(), b.database(), false);
        shown("server.database", a.sharedDatabase(), b.sharedDatabase(), false);
        shown("server.upload-dir", a.uploadDir(), b.uploadDir(), false);
        shown("server.hostname", a.hostname(), b.hostname(), false);
        shown("server.standalone", a.standalone(), b.standalone(), false);
        shown("server.dht-port", a.dhtPort(), b.dhtPort(), false);
        shown("server.dht-bootstrap", a.dhtBootstrap(), b.dhtBootstrap(), false);
        shown("server.dht-network", a.dhtNetwork(), b.dhtNetwork(), false);
        shown("server.dht-trusted-keys", a.dhtTrustedKeys(), b.dhtTrustedKeys(), true);
        shown("server.dht-pull-through", a.dhtPullThrough(), b.dhtPullThrough(), false);
        shown("server.server-port", a.serverPort(), b.serverPort(), false);
        shown("server.deploy-port", a.deployPort(), b.deployPort(), false);
        hidden("server.key", a.key(), b.key(), true);
        shown("server.default-retention", retention(a.defaultRetention()), retention(b.defaultRetention()), true);
        shown("server.default-max-size", size(a.defaultMaxSize()), size(b.defaultMaxSize()), true);
        shown("server.default-port", a.defaultPort(), b.defaultPort(), false);
        shown("server.default-storage", a.defaultStorage(), b.defaultStorage(), false);
        shown("server.default-storage-strategy", a.defaultStorageStrategy(), b.defaultStorageStrategy(), false);
        shown("server.gc-interval", a.gcInterval(), b.gcInterval(), false);
        shown("server.metrics-access", a.metricsAccess(), b.metricsAccess(), false);
        shown("server.request-log", a.requestLog(), b.requestLog(), false);
    }

    private void caches(List<CacheSettings> running, List<CacheSettings> next) {
        Map<String, CacheSettings> before = byName(running);
        Map<String, CacheSettings> after = byName(next);
        for (CacheSettings a : running) {
            CacheSettings b = after.get(a.name());
            if (b == null) {
                changes.add(new Change("caches[" + a.name() + "]", "removed", false));
                continue;
            }
            String at = "caches[" + a.name() + "].";
            shown(at + "port", a.port(), b.port(), false);
            shown(at + "access", a.access().name().toLowerCase(), b.access().name().toLowerCase(), true);
            shown(at + "retention", retention(a.retention()), retention(b.retention()), true);
            shown(at + "max-size", size(a.maxSize()), size(b.maxSize()), true);
            shown(at + "enabled", a.enabled(), b.enabled(), false);
            shown(at + "url", a.url().map(Object::toString).orElse("(default)"),
                    b.url().map(Object::toString).orElse("(default)"), false);
            shown(at + "priority", a.priority(), b.priority(), false);
            shown(at + "compression", a.compression(), b.compression(), false);
            shown(at + "storage-strategy", a.storageStrategy(), b.storageStrategy(), false);
            hidden(at + "storages", a.storages(), b.storages(), false);
            shown(at + "signing-key-files", keyFiles(a), keyFiles(b), false);
        }
        for (CacheSettings b : next) {
            if (!before.containsKey(b.name())) {
                changes.add(new Change("caches[" + b.name() + "]", "added", false));
            }
        }
    }

    private void upstreams(UpstreamConfig a, UpstreamConfig b, List<CacheSettings> caches) {
        entries("server.upstreams", a.serverDefault(), b.serverDefault());
        for (CacheSettings cache : caches) {
            String name = cache.name();
            if (!Objects.equals(a.perCache().get(name), b.perCache().get(name))) {
                changes.add(new Change("caches[" + name + "].upstreams", urls(a.perCache().get(name)) + " -> "
                        + urls(b.perCache().get(name)), true));
            }
        }
        shown("server.upstream-timeout", a.timeout(), b.timeout(), false);
        shown("server.upstream-negative-ttl", a.negativeTtl(), b.negativeTtl(), true);
        shown("server.upstream-backoff", a.backoff(), b.backoff(), true);
    }

    private void entries(String key, List<UpstreamConfig.Entry> a, List<UpstreamConfig.Entry> b) {
        if (!a.equals(b)) {
            changes.add(new Change(key, urls(a) + " -> " + urls(b), true));
        }
    }

    /** The URLs of upstream entries (never with credentials: the reader refuses those); null: the server's list. */
    private static String urls(List<UpstreamConfig.Entry> entries) {
        return entries == null ? "(server.upstreams)" : entries.stream().map(e -> e.url().toString()).toList().toString();
    }

    private static String keyFiles(CacheSettings cache) {
        return cache.signingKeyFiles().isEmpty() ? "(generated)" : cache.signingKeyFiles().toString();
    }

    private void shown(String key, Object a, Object b, boolean live) {
        if (!Objects.equals(a, b)) {
            changes.add(new Change(key, a + " -> " + b, live));
        }
    }

    private void hidden(String key, Object a, Object b, boolean live) {
        if (!Objects.equals(a, b)) {
            changes.add(new Change(key, "changed", live));
        }
    }

    private static String size(java.util.OptionalLong bytes) {
        return bytes.isPresent() ? bytes.getAsLong() + " bytes" : "no limit";
    }

    private static String retention(Optional<java.time.Duration> window) {
        return window.map(Object::toString).orElse("forever");
    }

    private static Map<String, CacheSettings> byName(List<CacheSettings> caches) {
        return caches.stream().collect(Collectors.toMap(CacheSettings::name, Function.identity(), (x, y) -> x));
    }
}
