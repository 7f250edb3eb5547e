package dev.cacheserver.adapters.persistence;

import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.model.OriginalStorePath;
import dev.cacheserver.domain.port.OriginalServerArchive;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * {@link OriginalServerArchive} over the original's SQLite file, opened read-only, and its storage directories.
 * Schema (original {@code src/database.py}): {@code binary_cache(id, name, …)}, {@code storage(id, name, type, root,
 * cache_id)} with {@code root = <root>/<cache>}, {@code store_path(id, store_hash, store_suffix, file_hash, file_size,
 * nar_hash, nar_size, deriver, refs, storage_id)}. Files live in {@code <storage.root>/<storage.name>/}. Everything
 * runs on one worker thread (JDBC and file reads block); {@link #close()} when done.
 */
public final class SqliteOriginalServerArchive implements OriginalServerArchive, AutoCloseable {
    private static final String CACHES = "SELECT name FROM binary_cache ORDER BY name";
    private static final String PATHS = """
            SELECT sp.rowid, sp.store_hash, sp.store_suffix, sp.file_hash, sp.file_size, sp.nar_hash, sp.nar_size,
                   sp.deriver, sp.refs, sp.storage_id
            FROM store_path sp JOIN storage s ON s.id = sp.storage_id JOIN binary_cache c ON c.id = s.cache_id
            WHERE c.name = ? AND sp.rowid > ? ORDER BY sp.rowid LIMIT ?""";
    private static final String STORAGE = "SELECT name, type, root FROM storage WHERE id = ?";
    private static final String STORAGE_CONFIG = "SELECT config_key, config_value FROM storage_config WHERE storage_id = ?";
    private static final String LOCAL_STORAGES = """
            SELECT s.name, s.root FROM storage s JOIN binary_cache c ON c.id = s.cache_id
            WHERE c.name = ? AND s.type = 'local' ORDER BY s.name""";
    /** The original joined file_hash into a path unchecked (its bug S5); only plain hashes are read here. */
    private static final Pattern SAFE_FILE_HASH = Pattern.compile("(sha256:)?[0-9a-zA-Z]{32,64}");
    private static final List<Compression> ORIGINAL_COMPRESSIONS = List.of(Compression.XZ, Compression.ZSTD);
    private static final int BUFFER = 64 * 1024;

    private final Connection connection;
    private final WorkerExecutor worker;
    private final Path file;

    private SqliteOriginalServerArchive(Connection connection, WorkerExecutor worker, Path file) {
        this.connection = connection;
        this.worker = worker;
        this.file = file;
    }

    /** Opens {@code database} read-only; fails with a StorageException when it is not the original's database. */
    public static Future<SqliteOriginalServerArchive> open(Vertx vertx, Path database) {
        WorkerExecutor worker = vertx.createSharedWorkerExecutor("original-import", 1);
        return worker.executeBlocking(() -> {
            if (!Files.isRegularFile(database)) {
                throw new StorageException("no database file at " + database);
            }
            Properties props = new Properties();
            props.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY: the original's data is never changed
            Connection conn = DriverManager.getConnection("jdbc:sqlite:" + database.toAbsolutePath(), props);
            try (PreparedStatement check = conn.prepareStatement(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('binary_cache', 'storage', 'store_path')");
                 ResultSet rs = check.executeQuery()) {
                if (!rs.next() || rs.getInt(1) != 3) {
                    conn.close();
                    throw new StorageException(database + " is not a database of the original cache-server"
                            + " (no binary_cache, storage and store_path tables)");
                }
            }
            return new SqliteOriginalServerArchive(conn, worker, database);
        }).recover(e -> {
            worker.close();
            return Future.failedFuture(e instanceof StorageException ? e
                    : new StorageException("cannot open " + database + ": " + e.getMessage(), e));
        });
    }

    @Override
    public CompletionStage<List<String>> cacheNames() {
        return blocking("list caches", () -> {
            List<String> names = new ArrayList<>();
            try (PreparedStatement st = connection.prepareStatement(CACHES); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        });
    }

    @Override
    public CompletionStage<List<OriginalStorePath>> paths(String cache, long afterRow, int limit) {
        return blocking("read paths of " + cache, () -> {
            List<OriginalStorePath> rows = new ArrayList<>();
            try (PreparedStatement st = connection.prepareStatement(PATHS)) {
                st.setString(1, cache);
                st.setLong(2, afterRow);
                st.setInt(3, limit);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new OriginalStorePath(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getLong(5), rs.getString(6), rs.getLong(7), rs.getString(8), rs.getString(9),
                                rs.getString(10)));
                    }
                }
            }
            return rows;
        });
    }

    @Override
    public CompletionStage<Optional<String>> secretKey(String cache) {
        return blocking("read the key of " + cache, () -> {
            try (PreparedStatement st = connection.prepareStatement(LOCAL_STORAGES)) {
                st.setString(1, cache);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        Path key = Path.of(rs.getString(2), rs.getString(1), "key.priv");
                        if (Files.isReadable(key)) {
                            return Optional.of(Files.readString(key).strip());
                        }
                    }
                }
            }
            return Optional.<String>empty();
        });
    }

    @Override
    public CompletionStage<Optional<OriginalNar>> locateNar(OriginalStorePath path) {
        return blocking("locate the NAR of " + path.displayPath(), () -> {
            if (path.fileHash() == null || !SAFE_FILE_HASH.matcher(path.fileHash()).matches()) {
                return Optional.<OriginalNar>empty();
            }
            try (PreparedStatement st = connection.prepareStatement(STORAGE)) {
                st.setString(1, path.storageId());
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next() || !"local".equals(rs.getString(2))) {
                        return Optional.<OriginalNar>empty();
                    }
                    Path dir = Path.of(rs.getString(3), rs.getString(1));
                    String base = path.fileHash().startsWith("sha256:") ? path.fileHash().substring(7) : path.fileHash();
                    for (Compression c : ORIGINAL_COMPRESSIONS) {
                        Path nar = dir.resolve(base + c.extension());
                        if (Files.isRegularFile(nar)) {
                            return Optional.of(new OriginalNar(nar, Files.size(nar), c));
                        }
                    }
                }
            }
            return Optional.<OriginalNar>empty();
        });
    }

    /** The key prefix is {@code <storage.root>/<storage.name>/}, as the original joined it (os.path.join). */
    @Override
    public CompletionStage<Optional<OriginalS3Storage>> s3StorageOf(OriginalStorePath path) {
        return blocking("read the S3 storage of " + path.displayPath(), () -> {
            String name;
            String root;
            try (PreparedStatement st = connection.prepareStatement(STORAGE)) {
                st.setString(1, path.storageId());
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next() || !"s3".equals(rs.getString(2))) {
                        return Optional.<OriginalS3Storage>empty();
                    }
                    name = rs.getString(1);
                    root = rs.getString(3);
                }
            }
            java.util.Map<String, String> config = new java.util.HashMap<>();
            try (PreparedStatement st = connection.prepareStatement(STORAGE_CONFIG)) {
                st.setString(1, path.storageId());
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        config.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            for (String key : List.of("s3_bucket", "s3_access_key", "s3_secret_key")) {
                if (config.get(key) == null || config.get(key).isBlank()) {
                    throw new StorageException("S3 storage " + name + " of the original has no " + key);
                }
            }
            String prefix = (root.endsWith("/") ? root : root + "/") + name + "/";
            return Optional.of(new OriginalS3Storage(name, config.get("s3_bucket"), prefix,
                    Optional.ofNullable(config.get("s3_region")).filter(r -> !r.isBlank()), config.get("s3_access_key"),
                    config.get("s3_secret_key")));
        });
    }

    @Override
    public CompletionStage<FileDigest> digest(OriginalNar nar, Optional<Path> target) {
        return blocking("read " + nar.file(), () -> {
            MessageDigest sha256 = sha256();
            long size = 0;
            byte[] buffer = new byte[BUFFER];
            try (InputStream in = Files.newInputStream(nar.file());
                 OutputStream out = target.isPresent() ? Files.newOutputStream(target.get()) : OutputStream.nullOutputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    sha256.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    size += n;
                }
            }
            return new FileDigest(new NixHash(sha256.digest()), size);
        });
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // read-only: nothing to lose
        }
        worker.close();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> CompletionStage<T> blocking(String what, Callable<T> work) {
        return worker.executeBlocking(work).recover(e -> Future.<T>failedFuture(e instanceof StorageException ? e
                : new StorageException("original database " + file + ": cannot " + what + ": " + e.getMessage(), e)))
                .toCompletionStage();
    }

}
