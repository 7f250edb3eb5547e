package dev.cacheserver.adapters.persistence.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests, from Debian's {@code postgresql} package: {@code initdb} and {@code pg_ctl}
 * in a temporary directory, on a free port, with password (SCRAM) authentication. initdb refuses to run as root,
 * so as root the binaries run as the {@code postgres} user through {@code runuser}, in a directory that user owns.
 * One server per JVM, started on first use and stopped when the JVM exits; each {@link #newDatabase()} is a fresh,
 * empty database on it, so tests never see each other's rows.
 */
public final class PostgresTestServer {
    public static final String USER = "cacheserver";
    public static final String PASSWORD = "test-password-" + ProcessHandle.current().pid();
    private static final String RUN_AS = "postgres";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresTestServer shared;

    private final Path bin;
    private final Path dir;
    private final int port;

    private PostgresTestServer(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    /** The JVM's server, started on the first call. */
    public static synchronized PostgresTestServer shared() {
        if (shared == null) {
            shared = start();
            PostgresTestServer server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "postgres-test-stop"));
        }
        return shared;
    }

    /** A new, empty database on the server, as the test user with its password. */
    public PostgresConnection newDatabase() {
        String name = "test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        run(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USER, name), false);
        return connection(name, 4);
    }

    /** The connection to {@code database} with a pool of {@code poolSize}. */
    public PostgresConnection connection(String database, int poolSize) {
        return new PostgresConnection("127.0.0.1", port, database, USER, Optional.of(PASSWORD), poolSize);
    }

    public int port() {
        return port;
    }

    private static PostgresTestServer start() {
        try {
            Path bin = binaries();
            Path dir = Files.createTempDirectory("cache-server-pg-");
            boolean root = "root".equals(System.getProperty("user.name"));
            Path pwfile = dir.resolve("password");
            Files.writeString(pwfile, PASSWORD + "\n", StandardCharsets.UTF_8);
            if (root) {
                exec(List.of("chown", "-R", RUN_AS + ":", dir.toString()), dir, false);
            }
            int port = freePort();
            PostgresTestServer server = new PostgresTestServer(bin, dir, port);
            server.run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER,
                    "--auth=scram-sha-256", "--pwfile=" + pwfile, "-E", "UTF8", "--locale=C", "--no-sync"), true);
            server.run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "60",
                    "-l", dir.resolve("server.log").toString(), "-o",
                    "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                            + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                    "start"), true);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the test PostgreSQL server", e);
        }
    }

    /**
     * Stops the server at once and deletes its directory. The deletion (a database per test is thousands of files)
     * runs in an {@code rm} of its own that outlives the JVM by a moment, so the JVM's exit does not wait for it.
     */
    void stop() {
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                    "-w", "stop"), true);
        } finally {
            try {
                new ProcessBuilder("rm", "-rf", dir.toString()).directory(Path.of("/").toFile()).start();
            } catch (IOException ignored) {
                // a leftover temp directory is harmless
            }
        }
    }

    private static Path binaries() throws IOException {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString())))
                    .orElseThrow(() -> new IllegalStateException("no /usr/lib/postgresql/*/bin/initdb: "
                            + "install Debian's postgresql package (scripts/test.sh does)"));
        }
    }

    private void run(List<String> command, boolean asServerUser) {
        List<String> full = new ArrayList<>();
        if (asServerUser && "root".equals(System.getProperty("user.name"))) {
            full.addAll(List.of("runuser", "-u", RUN_AS, "--"));
        }
        full.addAll(command);
        exec(full, dir, true);
    }

    private static void exec(List<String> command, Path dir, boolean withPassword) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            if (withPassword) {
                builder.environment().put("PGPASSWORD", PASSWORD);
            }
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
