package dev.cacheserver.bootstrap.e2e;

import dev.cacheserver.bootstrap.CacheServer;
import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.ConfigLoader;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * A cache-server with Cachix Deploy configured (workspaces prod and lab on cache main; agents web1 and web2 in
 * prod, lab1 in lab), restartable on the same ports and data, and tokens made as {@code token --agent} does.
 */
final class DeployHarness implements AutoCloseable {
    static final String KEY = "e2e-deploy-key";
    private static final Hs256Tokens TOKENS = new Hs256Tokens(KEY.getBytes(StandardCharsets.UTF_8));
    final Path dir;
    final int deployPort;
    final int cachePort;
    private final Path configFile;
    private CacheServer server;

    private DeployHarness(Path dir, Path configFile, int deployPort, int cachePort) {
        this.dir = dir;
        this.configFile = configFile;
        this.deployPort = deployPort;
        this.cachePort = cachePort;
    }

    static DeployHarness start(Path dir) throws Exception {
        int deployPort = TestServer.freePort();
        int cachePort = TestServer.freePort();
        String yaml = "server:\n"
                + "  hostname: 127.0.0.1\n"
                + "  standalone: true\n"
                + "  data-dir: " + dir.resolve("data") + "\n"
                + "  server-port: " + TestServer.freePort() + "\n"
                + "  deploy-port: " + deployPort + "\n"
                + "  key: " + KEY + "\n"
                + "caches:\n  - name: main\n    port: " + cachePort + "\n"
                + "workspaces:\n  - name: prod\n    cache: main\n  - name: lab\n    cache: main\n"
                + "agents:\n  - name: web1\n    workspace: prod\n  - name: web2\n    workspace: prod\n"
                + "  - name: lab1\n    workspace: lab\n";
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml);
        DeployHarness harness = new DeployHarness(dir, file, deployPort, cachePort);
        harness.server = CacheServer.start(harness.config());
        return harness;
    }

    private AppConfig config() {
        return ConfigLoader.load(Optional.of(configFile), Map.of("HOME", dir.toString()));
    }

    /** Stops the server (as on SIGTERM) and starts it again from the same configuration and data. */
    void restart() throws Exception {
        server.stop();
        server = CacheServer.start(config());
    }

    static String token(String subject) {
        return TOKENS.issue(new TokenClaims(subject, Permission.WRITE, null, null));
    }

    static String token(String subject, Permission permission) {
        return TOKENS.issue(new TokenClaims(subject, permission, null, "t-" + subject));
    }

    /** The cache's public key as AgentRegistered carries it: base64 of the 32 bytes, without the key name. */
    String cachePublicKeyBase64() {
        CacheServer.RunningCache main = server.caches().get(0);
        return Base64.getEncoder().encodeToString(main.profile().signingKey().publicKey().raw());
    }

    String cacheUrl() {
        return server.caches().get(0).profile().publicUrl().toString();
    }

    @Override
    public void close() {
        server.stop();
    }
}
