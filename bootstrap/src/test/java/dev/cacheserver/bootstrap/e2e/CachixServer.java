package dev.cacheserver.bootstrap.e2e;

import dev.cacheserver.bootstrap.CacheServer;
import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A cache-server in this JVM for the Cachix tests, with the Cachix API port known (and kept across a restart
 * on the same directory, so an upload in progress can be resumed).
 */
final class CachixServer implements AutoCloseable {
    final Path dir;
    final String yaml;
    final int apiPort;
    CacheServer server;

    private CachixServer(Path dir, String yaml, int apiPort) {
        this.dir = dir;
        this.yaml = yaml;
        this.apiPort = apiPort;
    }

    /** {@code caches} is the {@code caches:} list with {@code PORT1}, {@code PORT2}, ... placeholders. */
    static CachixServer start(Path dir, String caches, int cacheCount) throws Exception {
        String list = caches;
        for (int i = 1; i <= cacheCount; i++) {
            list = list.replace("PORT" + i, Integer.toString(TestServer.freePort()));
        }
        int apiPort = TestServer.freePort();
        String yaml = "server:\n"
                + "  hostname: 127.0.0.1\n"
                + "  standalone: true\n"
                + "  data-dir: " + dir.resolve("data") + "\n"
                + "  server-port: " + apiPort + "\n"
                + "  deploy-port: " + TestServer.freePort() + "\n"
                + "  key: " + TestServer.KEY + "\n"
                + list;
        CachixServer s = new CachixServer(dir, yaml, apiPort);
        s.boot();
        return s;
    }

    private void boot() throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml);
        AppConfig config = ConfigLoader.load(Optional.of(file), Map.of("HOME", dir.toString()));
        server = CacheServer.start(config);
    }

    void restart() throws Exception {
        server.stop();
        boot();
    }

    String api() {
        return "http://127.0.0.1:" + apiPort;
    }

    CacheServer.RunningCache cache(String name) {
        return server.caches().stream().filter(c -> c.settings().name().equals(name)).findFirst().orElseThrow();
    }

    String url(String name) {
        return cache(name).profile().publicUrl().toString();
    }

    String publicKey(String name) {
        return cache(name).profile().signingKey().publicKey().toString();
    }

    @Override
    public void close() {
        server.stop();
    }
}
