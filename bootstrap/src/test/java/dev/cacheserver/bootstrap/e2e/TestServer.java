package dev.cacheserver.bootstrap.e2e;

import dev.cacheserver.bootstrap.CacheServer;
import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.ConfigLoader;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Starts a real cache-server in this JVM from a YAML config whose data lives in a temporary directory. */
final class TestServer implements AutoCloseable {
    static final String KEY = "e2e-server-key";
    final Path dir;
    final CacheServer server;
    final AppConfig config;

    private TestServer(Path dir, CacheServer server, AppConfig config) {
        this.dir = dir;
        this.server = server;
        this.config = config;
    }

    /** {@code cachesYaml} is the {@code caches:} list; use {@code PORT1}, {@code PORT2} as placeholders. */
    static TestServer start(Path dir, String cachesYaml, int... ports) throws Exception {
        return start(dir, "", cachesYaml, ports);
    }

    /** As above, with {@code serverYaml} (indented {@code server:} keys, one per line) added to the defaults. */
    static TestServer start(Path dir, String serverYaml, String cachesYaml, int... ports) throws Exception {
        String caches = cachesYaml;
        for (int i = 0; i < ports.length; i++) {
            caches = caches.replace("PORT" + (i + 1), Integer.toString(ports[i]));
        }
        String yaml = "server:\n"
                + "  hostname: 127.0.0.1\n"
                + "  standalone: true\n"
                + "  data-dir: " + dir.resolve("data") + "\n"
                + "  server-port: " + freePort() + "\n"
                + "  deploy-port: " + freePort() + "\n"
                + "  key: " + KEY + "\n"
                + serverYaml
                + caches;
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml);
        AppConfig config = ConfigLoader.load(Optional.of(file), Map.of("HOME", dir.toString()));
        return new TestServer(dir, CacheServer.start(config), config);
    }

    CacheServer.RunningCache cache(String name) {
        return server.caches().stream().filter(c -> c.settings().name().equals(name)).findFirst().orElseThrow();
    }

    String apiUrl() {
        return "http://127.0.0.1:" + config.server().serverPort();
    }

    String url(String name) {
        return cache(name).profile().publicUrl().toString();
    }

    String publicKey(String name) {
        return cache(name).profile().signingKey().publicKey().toString();
    }

    /** Ports handed out in this JVM: the kernel may give a closed ephemeral port again, e.g. to the next call. */
    private static final java.util.Set<Integer> ISSUED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A free port not handed out before in this JVM, so the ports of one configuration never collide. */
    static int freePort() throws IOException {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                if (ISSUED.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
