package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM with an upload in flight, against the server in its own process as systemd would stop it: the port
 * stops accepting at once, the upload finishes (or, past the grace period, is cut off cleanly), no spool file
 * is left, and the process exits 0.
 */
@Timeout(180)
class OpsGracefulShutdownTest {
    @TempDir
    Path dir;

    @Test
    void anUploadInFlightCompletesAfterSigterm() throws Exception {
        int port = TestServer.freePort();
        Path disk = dir.resolve("disk");
        byte[] file = TestNars.zstd(TestNars.regularFile(randomBytes(400_000)));
        String url = "/nar/" + TestNars.sha256(file).nix32() + ".nar.zst";
        try (ServerProcess server = ServerProcess.start(config(port, disk), port)) {
            try (Socket upload = new Socket("127.0.0.1", port)) {
                OutputStream out = beginUpload(upload, url, file);
                Eventually.await("the server spools the upload", () -> spoolFiles(disk).size() == 1);

                server.process.destroy();
                Eventually.await("the port stops accepting", () -> !accepts(port));
                assertTrue(server.process.isAlive(), "still draining the upload");

                out.write(file, file.length / 2, file.length - file.length / 2);
                out.flush();
                String status = statusLine(upload.getInputStream());
                assertEquals("HTTP/1.1 200 OK", status);
            }
            assertTrue(server.process.waitFor(60, TimeUnit.SECONDS), "the process ends");
            assertEquals(0, server.process.exitValue(), server.output());
            assertEquals(List.of(), spoolFiles(disk));
            assertTrue(Files.exists(disk.resolve("main/a").resolve(url.substring("/nar/".length()))),
                    "the finished upload is published");
        }
    }

    @Test
    void anUploadPastTheGracePeriodIsCutOffCleanly() throws Exception {
        int port = TestServer.freePort();
        Path disk = dir.resolve("disk");
        byte[] file = TestNars.zstd(TestNars.regularFile(randomBytes(400_000)));
        String url = "/nar/" + TestNars.sha256(file).nix32() + ".nar.zst";
        try (ServerProcess server = ServerProcess.start(config(port, disk), port,
                "-Dcache-server.shutdown-grace-seconds=2")) {
            try (Socket upload = new Socket("127.0.0.1", port)) {
                beginUpload(upload, url, file);
                Eventually.await("the server spools the upload", () -> spoolFiles(disk).size() == 1);
                server.process.destroy();
                // The rest never comes: after the grace period the server closes the connection.
                upload.setSoTimeout(30_000);
                InputStream in = upload.getInputStream();
                byte[] buffer = new byte[4096];
                int n;
                StringBuilder answer = new StringBuilder();
                try {
                    while ((n = in.read(buffer)) > 0) {
                        answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                    }
                } catch (IOException reset) {
                    // A reset is a clean cut-off too.
                }
                assertFalse(answer.toString().startsWith("HTTP/1.1 200"), answer.toString());
            }
            assertTrue(server.process.waitFor(60, TimeUnit.SECONDS), "the process ends");
            assertEquals(0, server.process.exitValue(), server.output());
            assertEquals(List.of(), spoolFiles(disk), "the cut-off upload's spool file is gone");
            assertFalse(Files.exists(disk.resolve("main/a").resolve(url.substring("/nar/".length()))));
        }
    }

    private Path config(int port, Path disk) throws IOException {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, "server:\n  hostname: 127.0.0.1\n  standalone: true\n  key: " + TestServer.KEY
                + "\n  data-dir: " + dir.resolve("data") + "\n  server-port: " + TestServer.freePort()
                + "\n  deploy-port: " + TestServer.freePort() + "\ncaches:\n  - name: main\n    port: " + port
                + "\n    storages:\n      - name: a\n        type: local\n        root: " + disk + "\n");
        return config;
    }

    /** Sends the request head and half the body; returns the stream for the rest. */
    private static OutputStream beginUpload(Socket socket, String url, byte[] file) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("PUT " + url + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + Tokens.write("main")
                + "\r\nContent-Length: " + file.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(file, 0, file.length / 2);
        out.flush();
        return out;
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static boolean accepts(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private static List<Path> spoolFiles(Path disk) {
        Path spool = disk.resolve("main/a/.spool");
        if (!Files.isDirectory(spool)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(spool)) {
            return files.toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(5).nextBytes(b);
        return b;
    }
}
