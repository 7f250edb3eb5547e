package dev.cacheserver.bootstrap.e2e;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Nix binary cache the way many real ones look: the real {@code nix} pushed to {@code file://} with a signing
 * key, and nginx (Debian nginx-light) serving that directory on a free loopback port with its own config and
 * access log, in the foreground so the test owns the process.
 */
final class NginxUpstream implements AutoCloseable {
    final Path root;
    final Path accessLog;
    final int port;
    final List<Integer> ports;
    private final Process process;

    private NginxUpstream(Path root, Path accessLog, int port, List<Integer> ports, Process process) {
        this.root = root;
        this.accessLog = accessLog;
        this.port = port;
        this.ports = ports;
        this.process = process;
    }

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/sbin/nginx"));
    }

    static NginxUpstream serve(Path dir, Path root) throws Exception {
        return serve(dir, root, List.of(TestServer.freePort()), "");
    }

    /** HTTPS only, with {@code cert} and {@code key} (PEM), on {@code ports} free ports (the first is {@link #port}). */
    static NginxUpstream serveTls(Path dir, Path root, Path cert, Path key, int ports) throws Exception {
        List<Integer> free = new ArrayList<>();
        for (int i = 0; i < ports; i++) {
            free.add(TestServer.freePort());
        }
        return serve(dir, root, free, "    ssl_certificate " + cert + ";\n    ssl_certificate_key " + key + ";\n");
    }

    /** {@code tls}: nginx's ssl_* directives, empty for plain HTTP. */
    private static NginxUpstream serve(Path dir, Path root, List<Integer> ports, String tls) throws Exception {
        int port = ports.get(0);
        StringBuilder listen = new StringBuilder();
        for (int p : ports) {
            listen.append("    listen 127.0.0.1:").append(p).append(tls.isEmpty() ? "" : " ssl").append(";\n");
        }
        Path accessLog = dir.resolve("access.log");
        Files.createDirectories(dir.resolve("tmp"));
        String conf = """
                daemon off;
                user root;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 1024; }
                http {
                  access_log %2$s;
                  client_body_temp_path %1$s/tmp;
                  proxy_temp_path %1$s/tmp;
                  fastcgi_temp_path %1$s/tmp;
                  uwsgi_temp_path %1$s/tmp;
                  scgi_temp_path %1$s/tmp;
                  sendfile on;
                  default_type application/octet-stream;
                  types { text/x-nix-narinfo narinfo; text/x-nix-cache-info nix-cache-info; }
                  server {
                %3$s%5$s    root %4$s;
                  }
                }
                """.formatted(dir, accessLog, listen, root, tls);
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        Process process = new ProcessBuilder("/usr/sbin/nginx", "-c", file.toString(), "-p", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        NginxUpstream nginx = new NginxUpstream(root, accessLog, port, List.copyOf(ports), process);
        Eventually.await("nginx listens on " + port, Duration.ofSeconds(20), () -> {
            if (!process.isAlive()) {
                throw new AssertionError("nginx exited: " + read(dir.resolve("nginx.out")) + read(dir.resolve("error.log")));
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        return nginx;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The access log's request lines that contain {@code fragment} (nginx writes each line when a request ends). */
    List<String> requests(String fragment) throws IOException {
        if (!Files.exists(accessLog)) {
            return List.of();
        }
        return Files.readAllLines(accessLog, StandardCharsets.UTF_8).stream().filter(l -> l.contains(fragment)).toList();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
