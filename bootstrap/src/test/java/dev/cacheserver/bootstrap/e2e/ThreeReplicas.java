package dev.cacheserver.bootstrap.e2e;

import dev.cacheserver.adapters.persistence.postgres.PostgresConnection;
import dev.cacheserver.adapters.persistence.postgres.PostgresTestServer;
import dev.cacheserver.adapters.storage.s3test.S3TestServer;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Three cache-server replicas on one new database of the JVM's test PostgreSQL and one s3proxy bucket, with one
 * signing key, each with the caches {@code main} (public), {@code secret} (private) and {@code expiring}
 * (retention 2 s), all on S3. Replica 1 runs in a JVM of its own, so a test can kill it with SIGKILL; replicas 2
 * and 3 run in this JVM.
 */
final class ThreeReplicas implements AutoCloseable {
    final S3TestServer s3;
    final String publicKey;
    final int replica1Api = TestServer.freePort();
    final int replica1Main = TestServer.freePort();
    final int replica1Secret = TestServer.freePort();
    final ServerProcess replica1;
    final TestServer replica2;
    final TestServer replica3;

    ThreeReplicas(Path dir) throws Exception {
        s3 = S3TestServer.start(dir.resolve("s3"));
        s3.createBucket(StorageTestSupport.BUCKET);
        PostgresConnection database = PostgresTestServer.shared().newDatabase();
        Path password = Files.writeString(dir.resolve("pg-password"), database.password().orElseThrow() + "\n");
        SecretSigningKey key = SecretSigningKey.generate("ha-1");
        publicKey = key.publicKey().toString();
        Path keyFile = Files.writeString(dir.resolve("signing.secret"), key.toNixFormat());
        String server = "  database: postgresql://" + database.user() + "@" + database.host() + ":" + database.port()
                + "/" + database.database() + "\n"
                + "  database-password-file: " + password + "\n"
                // Cachix part files in one directory every replica reads: an upload may be spread over them.
                + "  upload-dir: " + Files.createDirectories(dir.resolve("shared-uploads")) + "\n";
        String caches = "caches:\n"
                + "  - name: main\n    port: PORT1\n    signing-key-file: " + keyFile + "\n    storages:\n"
                + StorageTestSupport.s3Storage("bucket", s3, "")
                + "  - name: secret\n    port: PORT2\n    access: private\n    storages:\n"
                + StorageTestSupport.s3Storage("bucket", s3, "")
                + "  - name: expiring\n    port: PORT3\n    retention: 2s\n    storages:\n"
                + StorageTestSupport.s3Storage("bucket", s3, "");
        replica1 = startProcess(Files.createDirectories(dir.resolve("r1")), server, caches);
        replica2 = TestServer.start(Files.createDirectories(dir.resolve("r2")), server, caches,
                TestServer.freePort(), TestServer.freePort(), TestServer.freePort());
        replica3 = TestServer.start(Files.createDirectories(dir.resolve("r3")), server, caches,
                TestServer.freePort(), TestServer.freePort(), TestServer.freePort());
    }

    /** Replica 1 in a JVM of its own, with the config {@link TestServer} would write. */
    private ServerProcess startProcess(Path home, String server, String caches) throws Exception {
        String yaml = "server:\n  hostname: 127.0.0.1\n  standalone: true\n  data-dir: " + home.resolve("data") + "\n"
                + "  server-port: " + replica1Api + "\n  deploy-port: " + TestServer.freePort() + "\n"
                + "  key: " + TestServer.KEY + "\n" + server
                + caches.replace("PORT1", Integer.toString(replica1Main))
                .replace("PORT2", Integer.toString(replica1Secret))
                .replace("PORT3", Integer.toString(TestServer.freePort()));
        Path config = Files.writeString(home.resolve("config.yaml"), yaml);
        ServerProcess process = ServerProcess.start(config, replica1Main);
        Eventually.await("replica 1 answers on its API port too", () -> listens(replica1Api));
        return process;
    }

    private static boolean listens(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Replica 1's cache {@code main}. */
    String replica1Url() {
        return "http://127.0.0.1:" + replica1Main;
    }

    String replica1ApiUrl() {
        return "http://127.0.0.1:" + replica1Api;
    }

    @Override
    public void close() throws Exception {
        try (S3TestServer ignored = s3; ServerProcess first = replica1) {
            replica2.close();
            replica3.close();
        }
    }
}
