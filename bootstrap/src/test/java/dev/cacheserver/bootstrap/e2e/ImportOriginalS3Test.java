package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.adapters.storage.s3test.S3TestServer;
import dev.cacheserver.bootstrap.MainAccess;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * {@code import-original} of a cache whose NARs live on an S3 storage of the original (storage type {@code s3}, its
 * bucket and keys in {@code storage_config}, objects under {@code <root>/<cache>/<storage>/}), served here by the
 * s3proxy the storage tests use: every path is streamed from the bucket, verified, and the real nix substitutes the
 * imported closure afterwards; a row whose object is missing is reported. Needs root and nix.
 */
@Timeout(600)
class ImportOriginalS3Test {
    static final String BUCKET = "original-nars";
    @TempDir
    Path dir;

    @Test
    void narsOnTheOriginalsS3StorageAreImportedAndSubstitute() throws Exception {
        Nix.requireRootAndNix();
        NixCli nix = new NixCli(dir.resolve("nix"));
        List<String> closure = nix.buildClosure("import-s3-" + System.nanoTime());
        String top = closure.get(0);
        SecretSigningKey originalKey = SecretSigningKey.generate("main.0.0.0.0-1");
        Path localStorage = Files.createDirectories(dir.resolve("original-storage/main/s1"));
        Files.writeString(localStorage.resolve("key.priv"), originalKey.toNixFormat());

        try (S3TestServer s3 = S3TestServer.start(dir.resolve("s3"))) {
            s3.createBucket(BUCKET);
            Path database = dir.resolve("original.sqlite");
            try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + database);
                 S3AsyncClient bucket = s3.client()) {
                ImportOriginalTest.createOriginalSchema(db, localStorage.getParent().toString());
                addS3Storage(db, "nix-cache/main", "s3main");
                int i = 0;
                for (String path : closure) {
                    ImportOriginalTest.addPath(nix, db, "s3", path, i++ % 2 == 0 ? "xz" : "zst", false,
                            (name, bytes) -> bucket.putObject(b -> b.bucket(BUCKET)
                                    .key("nix-cache/main/s3main/" + name), AsyncRequestBody.fromBytes(bytes))
                                    .get(1, TimeUnit.MINUTES));
                }
                ImportOriginalTest.insertRow(db, "s3", "33333333333333333333333333333333", "gone", "cd".repeat(32),
                        10, "sha256:" + "0".repeat(52), 10, "", "unknown-deriver");
            }
            int port = TestServer.freePort();
            String caches = "caches:\n  - name: main\n    port: " + port + "\n";
            Path config = dir.resolve("import-config.yaml");
            Files.writeString(config, "server:\n  hostname: 127.0.0.1\n  standalone: true\n  data-dir: "
                    + dir.resolve("data") + "\n  key: " + TestServer.KEY + "\n" + caches);
            String[] command = {"--config", config.toString(), "import-original", "--from", database.toString(),
                "--s3-endpoint", s3.endpoint().toString()};

            MainAccess.Result dry = MainAccess.run(append(command, "--dry-run"));
            assertEquals(1, dry.exit(), dry.out() + dry.err());
            for (String path : closure) {
                assertTrue(dry.out().contains("would import " + path), dry.out() + dry.err());
            }
            assertTrue(dry.err().contains("-gone: its NAR file is not in the S3 storage s3main"), dry.err());

            MainAccess.Result real = MainAccess.run(command);
            assertEquals(1, real.exit(), real.out() + real.err());
            assertTrue(real.out().contains(closure.size() + " paths imported, 0 already present, 1 could not be"
                    + " imported"), real.out() + real.err());

            try (TestServer server = TestServer.start(dir, caches.replace(Integer.toString(port), "PORT1"), port)) {
                List<String> hashes = new ArrayList<>();
                for (String path : closure) {
                    hashes.add(Nix.narHash(path));
                }
                nix.delete(closure);
                nix.run("nix-store", "-r", top, "--option", "substituters", server.url("main"),
                        "--option", "trusted-public-keys", originalKey.publicKey().toString());
                for (int j = 0; j < closure.size(); j++) {
                    assertEquals(hashes.get(j), Nix.narHash(closure.get(j)), closure.get(j));
                }
            }
        }
    }

    /** Storage {@code s3} of cache c1, as the original wrote it: {@code root} is {@code <root>/<cache>}. */
    private static void addS3Storage(Connection db, String root, String name) throws Exception {
        try (PreparedStatement st = db.prepareStatement("INSERT INTO storage VALUES ('s3', ?, 's3', ?, 'c1')")) {
            st.setString(1, name);
            st.setString(2, root);
            st.execute();
        }
        String[][] config = {{"s3_bucket", BUCKET}, {"s3_region", "eu-west-1"},
            {"s3_access_key", S3TestServer.ACCESS_KEY}, {"s3_secret_key", S3TestServer.SECRET_KEY}};
        for (String[] entry : config) {
            try (PreparedStatement st = db.prepareStatement("INSERT INTO storage_config VALUES (?, ?, 's3')")) {
                st.setString(1, entry[0]);
                st.setString(2, entry[1]);
                st.execute();
            }
        }
    }

    private static String[] append(String[] command, String option) {
        String[] all = java.util.Arrays.copyOf(command, command.length + 1);
        all[command.length] = option;
        return all;
    }
}
