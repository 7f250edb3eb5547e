package dev.cacheserver.bootstrap.e2e;

import dev.cacheserver.bootstrap.CacheServer;
import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.ConfigLoader;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One cluster node in this JVM: cache {@code main} (public) and {@code secret} (private), both signed by {@code key}. */
final class ClusterNode implements AutoCloseable {
    static final long NETWORK = 0x4E495843L;
    final Path dir;
    final int httpPort;
    final int secretPort;
    final int apiPort;
    final int dhtPort;
    final SecretSigningKey key;
    CacheServer server;

    ClusterNode(Path dir, String name) throws IOException {
        this(dir, name, name + "-1");
    }

    /** A node whose signing key is named {@code keyName}, which may be another node's key name. */
    ClusterNode(Path dir, String name, String keyName) throws IOException {
        this.dir = dir;
        this.httpPort = TestServer.freePort();
        this.secretPort = TestServer.freePort();
        this.apiPort = TestServer.freePort();
        this.dhtPort = freeUdpPort();
        this.key = SecretSigningKey.generate(keyName);
        Files.createDirectories(dir);
        Path keyFile = dir.resolve("signing.secret");
        Files.writeString(keyFile, key.toNixFormat());
    }

    /** Starts with the given DHT peers and trusted public keys. */
    ClusterNode start(List<ClusterNode> bootstrap, List<ClusterNode> trusted) throws Exception {
        StringBuilder yaml = new StringBuilder("server:\n")
                .append("  hostname: 127.0.0.1\n")
                .append("  standalone: false\n")
                .append("  data-dir: ").append(dir.resolve("data")).append('\n')
                .append("  server-port: ").append(apiPort).append('\n')
                .append("  deploy-port: ").append(TestServer.freePort()).append('\n')
                .append("  key: ").append(TestServer.KEY).append('\n')
                .append("  dht-port: ").append(dhtPort).append('\n')
                .append("  dht-network: ").append(NETWORK).append('\n')
                .append("  dht-bootstrap:").append(bootstrap.isEmpty() ? " []\n" : "\n");
        for (ClusterNode peer : bootstrap) {
            yaml.append("    - 127.0.0.1:").append(peer.dhtPort).append('\n');
        }
        yaml.append("  dht-trusted-keys:").append(trusted.isEmpty() ? " []\n" : "\n");
        for (ClusterNode peer : trusted) {
            yaml.append("    - ").append(peer.key.publicKey()).append('\n');
        }
        yaml.append("caches:\n")
                .append("  - name: main\n    port: ").append(httpPort).append('\n')
                .append("    signing-key-file: ").append(dir.resolve("signing.secret")).append('\n')
                .append("  - name: secret\n    access: private\n    port: ").append(secretPort).append('\n')
                .append("    signing-key-file: ").append(dir.resolve("signing.secret")).append('\n');
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml.toString());
        AppConfig config = ConfigLoader.load(Optional.of(file), Map.of("HOME", dir.toString()));
        server = CacheServer.start(config);
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    String secretUrl() {
        return "http://127.0.0.1:" + secretPort;
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }
}
