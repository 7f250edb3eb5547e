package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.bootstrap.MainAccess;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * {@code import-original} on a database and storage written in the original's format (its schema from
 * specs/original-server.md §3, files in {@code <root>/<cache>/<storage>/<hex file hash>.nar.<xz|zst>}, key.priv beside
 * them): a dry run writes nothing, the import reports each bad row and takes the rest, and afterwards the real nix
 * substitutes the imported closure trusting only the original's public key. Needs root and nix.
 */
@Timeout(600)
class ImportOriginalTest {
    @TempDir
    Path dir;

    @Test
    void importedPathsAreSubstitutedWithTheOriginalsKey() throws Exception {
        Nix.requireRootAndNix();
        NixCli nix = new NixCli(dir.resolve("nix"));
        List<String> closure = nix.buildClosure("import-" + System.nanoTime());
        String top = closure.get(0);

        Path root = dir.resolve("original-storage");
        Path storageDir = Files.createDirectories(root.resolve("main/s1"));
        SecretSigningKey originalKey = SecretSigningKey.generate("main.0.0.0.0-1");
        Files.writeString(storageDir.resolve("key.priv"), originalKey.toNixFormat());
        Files.writeString(storageDir.resolve("key.pub"), originalKey.publicKey().toString());
        Path database = dir.resolve("original.sqlite");
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + database)) {
            createOriginalSchema(db, storageDir.getParent().toString());
            int i = 0;
            for (String path : closure) {
                addPath(nix, db, storageDir, path, i++ % 2 == 0 ? "xz" : "zst", false);
            }
            String extra = nix.buildClosure("import-bad-" + System.nanoTime()).get(0);
            addPath(nix, db, storageDir, extra, "zst", true);
            insertRow(db, "11111111111111111111111111111111", "missing", "ab".repeat(32), 10, "sha256:" + "0".repeat(52),
                    10, "", "unknown-deriver");
            insertRow(db, "22222222222222222222222222222222", "escape", "../../escaped", 10, "sha256:" + "0".repeat(52),
                    10, "", "unknown-deriver");
        }

        int port = TestServer.freePort();
        String caches = "caches:\n  - name: main\n    port: " + port + "\n";
        Path config = dir.resolve("import-config.yaml");
        Files.writeString(config, "server:\n  hostname: 127.0.0.1\n  standalone: true\n  data-dir: "
                + dir.resolve("data") + "\n  key: " + TestServer.KEY + "\n" + caches);

        MainAccess.Result dry = MainAccess.run("--config", config.toString(), "import-original", "--from",
                database.toString(), "--dry-run");
        assertEquals(1, dry.exit(), dry.out() + dry.err());
        for (String path : closure) {
            assertTrue(dry.out().contains("would import " + path), dry.out());
        }
        assertTrue(dry.err().contains("-missing: its NAR file is not in a local storage"), dry.err());
        assertTrue(dry.err().contains("-escape: FileHash is not a valid sha256 hash"), dry.err());
        assertTrue(dry.err().contains("FileHash mismatch"), dry.err());
        assertFalse(Files.exists(dir.resolve("data/keys/main.secret")), "a dry run writes no key");
        assertFalse(Files.exists(dir.resolve("escaped.nar.xz")));

        MainAccess.Result real = MainAccess.run("--config", config.toString(), "import-original", "--from",
                database.toString());
        assertEquals(1, real.exit(), real.out() + real.err());
        assertTrue(real.out().contains(closure.size() + " paths imported, 0 already present, 3 could not be imported"),
                real.out());
        assertEquals(originalKey.toNixFormat(), Files.readString(dir.resolve("data/keys/main.secret")).strip());

        try (TestServer server = TestServer.start(dir, caches.replace(Integer.toString(port), "PORT1"), port)) {
            assertEquals(originalKey.publicKey().toString(), server.publicKey("main"));
            MainAccess.Result running = MainAccess.run("--config", config.toString(), "import-original", "--from",
                    database.toString());
            assertEquals(2, running.exit(), "refused while the server runs: " + running.err());

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

    @Test
    void aCacheWithItsOwnKeyChangesOnlyWhenTheOperatorSaysSo() throws Exception {
        Path root = dir.resolve("original-storage");
        Path storageDir = Files.createDirectories(root.resolve("main/s1"));
        SecretSigningKey originalKey = SecretSigningKey.generate("main.0.0.0.0-1");
        Files.writeString(storageDir.resolve("key.priv"), originalKey.toNixFormat());
        Path database = dir.resolve("original.sqlite");
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + database)) {
            createOriginalSchema(db, storageDir.getParent().toString());
        }
        SecretSigningKey ownKey = SecretSigningKey.generate("own-1");
        Path keyFile = Files.createDirectories(dir.resolve("data/keys")).resolve("main.secret");
        Files.writeString(keyFile, ownKey.toNixFormat());
        Path config = dir.resolve("import-config.yaml");
        Files.writeString(config, "server:\n  hostname: 127.0.0.1\n  standalone: true\n  data-dir: "
                + dir.resolve("data") + "\n  key: " + TestServer.KEY + "\ncaches:\n  - name: main\n    port: "
                + TestServer.freePort() + "\n");
        String[] command = {"--config", config.toString(), "import-original", "--from", database.toString()};

        MainAccess.Result refused = MainAccess.run(command);
        assertEquals(2, refused.exit(), refused.out());
        assertTrue(refused.err().contains("--replace-key") && refused.err().contains(ownKey.publicKey().toString()),
                refused.err());
        assertEquals(ownKey.toNixFormat(), Files.readString(keyFile).strip());

        MainAccess.Result kept = MainAccess.run(append(command, "--keep-key"));
        assertEquals(0, kept.exit(), kept.err());
        assertEquals(ownKey.toNixFormat(), Files.readString(keyFile).strip());

        MainAccess.Result replaced = MainAccess.run(append(command, "--replace-key"));
        assertEquals(0, replaced.exit(), replaced.err());
        assertEquals(originalKey.toNixFormat(), Files.readString(keyFile).strip());
        assertEquals(ownKey.toNixFormat(), Files.readString(keyFile.resolveSibling("main.secret.replaced")).strip(),
                "the replaced key is kept beside it");

        assertEquals(2, MainAccess.run("--config", config.toString(), "import-original").exit(), "--from is required");
        assertEquals(2, MainAccess.run("--config", config.toString(), "import-original", "--from", database.toString(),
                "--cache", "nope").exit(), "unknown original cache");
        assertEquals(2, MainAccess.run("--config", config.toString(), "import-original", "--from", database.toString(),
                "--cache", "main=nope").exit(), "unknown target cache");
        assertEquals(1, MainAccess.run("--config", config.toString(), "import-original", "--from",
                config.toString()).exit(), "not the original's database");
    }

    private static String[] append(String[] command, String option) {
        String[] all = java.util.Arrays.copyOf(command, command.length + 1);
        all[command.length] = option;
        return all;
    }

    /** The original's tables (src/database.py); {@code storage.root} holds {@code <root>/<cache>}. */
    static void createOriginalSchema(Connection db, String storageRoot) throws Exception {
        try (Statement st = db.createStatement()) {
            st.execute("CREATE TABLE binary_cache (id VARCHAR UNIQUE PRIMARY KEY NOT NULL, name VARCHAR UNIQUE NOT NULL,"
                    + " url VARCHAR UNIQUE NOT NULL, token VARCHAR NOT NULL, access VARCHAR NOT NULL,"
                    + " port INT UNIQUE NOT NULL, retention INT NOT NULL, strategy VARCHAR NOT NULL,"
                    + " strategy_state VARCHAR NOT NULL)");
            st.execute("CREATE TABLE storage (id VARCHAR UNIQUE PRIMARY KEY, name VARCHAR NOT NULL, type VARCHAR NOT NULL,"
                    + " root VARCHAR NOT NULL, cache_id VARCHAR, FOREIGN KEY (cache_id) REFERENCES binary_cache(id))");
            st.execute("CREATE TABLE storage_config (config_key VARCHAR NOT NULL, config_value TEXT, storage_id VARCHAR,"
                    + " FOREIGN KEY (storage_id) REFERENCES storage(id))");
            st.execute("CREATE TABLE store_path (id VARCHAR UNIQUE PRIMARY KEY, store_hash VARCHAR, store_suffix VARCHAR,"
                    + " file_hash VARCHAR, file_size INT, nar_hash VARCHAR, nar_size INT, deriver VARCHAR, refs VARCHAR,"
                    + " storage_id VARCHAR, FOREIGN KEY (storage_id) REFERENCES storage(id))");
            st.execute("INSERT INTO binary_cache VALUES ('c1', 'main', 'http://main.0.0.0.0', 'tok', 'public', 8080, 4,"
                    + " 'round-robin', '{}')");
        }
        try (PreparedStatement st = db.prepareStatement("INSERT INTO storage VALUES ('s1', 's1', 'local', ?, 'c1')")) {
            st.setString(1, storageRoot);
            st.execute();
        }
    }

    /** Writes the path's NAR as the original stored it (cachix uploads: hex FileHash of the compressed file). */
    private static void addPath(NixCli nix, Connection db, Path storageDir, String path, String ext, boolean corrupt)
            throws Exception {
        addPath(nix, db, "s1", path, ext, corrupt, (name, bytes) -> Files.write(storageDir.resolve(name), bytes));
    }

    /** Where a storage of the original keeps a file. */
    @FunctionalInterface
    interface StorageWriter {
        void write(String fileName, byte[] bytes) throws Exception;
    }

    /** The path's row in storage {@code storageId}, its NAR file written by {@code storage}. */
    static void addPath(NixCli nix, Connection db, String storageId, String path, String ext, boolean corrupt,
                        StorageWriter storage) throws Exception {
        Path nar = Files.createTempFile("dump", ".nar");
        Process dump = new ProcessBuilder("nix-store", "--dump", path).redirectOutput(nar.toFile()).start();
        assertTrue(dump.waitFor(2, TimeUnit.MINUTES) && dump.exitValue() == 0);
        byte[] bytes = Files.readAllBytes(nar);
        Files.delete(nar);
        byte[] compressed;
        if (ext.equals("xz")) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            try (OutputStream xz = new XZOutputStream(out, new LZMA2Options(1))) {
                xz.write(bytes);
            }
            compressed = out.toByteArray();
        } else {
            compressed = TestNars.zstd(bytes);
        }
        String fileHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(compressed));
        if (corrupt) {
            compressed[compressed.length / 2] ^= 1;
        }
        storage.write(fileHash + ".nar." + ext, compressed);
        String base = path.substring("/nix/store/".length());
        List<String> refs = new ArrayList<>();
        for (String ref : nix.run("nix-store", "-q", "--references", path).strip().split("\n")) {
            if (!ref.isBlank() && !ref.equals(path)) {
                refs.add(ref.substring("/nix/store/".length()));
            }
        }
        String deriver = nix.run("nix-store", "-q", "--deriver", path).strip();
        insertRow(db, storageId, base.substring(0, 32), base.substring(33), fileHash, compressed.length,
                Nix.narHash(path), bytes.length, String.join(" ", refs),
                deriver.startsWith("/nix/store/") ? deriver.substring("/nix/store/".length()) : "unknown-deriver");
    }

    private static void insertRow(Connection db, String hash, String suffix, String fileHash, long fileSize,
                                  String narHash, long narSize, String refs, String deriver) throws Exception {
        insertRow(db, "s1", hash, suffix, fileHash, fileSize, narHash, narSize, refs, deriver);
    }

    static void insertRow(Connection db, String storageId, String hash, String suffix, String fileHash, long fileSize,
                          String narHash, long narSize, String refs, String deriver) throws Exception {
        try (PreparedStatement st = db.prepareStatement("INSERT INTO store_path VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            st.setString(1, UUID.randomUUID().toString());
            st.setString(2, hash);
            st.setString(3, suffix);
            st.setString(4, fileHash);
            st.setLong(5, fileSize);
            st.setString(6, narHash);
            st.setLong(7, narSize);
            st.setString(8, deriver);
            st.setString(9, refs);
            st.setString(10, storageId);
            st.execute();
        }
    }
}
