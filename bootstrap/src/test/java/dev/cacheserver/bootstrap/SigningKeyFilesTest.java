package dev.cacheserver.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.signing.SecretSigningKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code signing-key-files} as an operator meets it: {@code public-key} prints every key, current first; a
 * configuration the server cannot sign with is refused with exit 2 and a message naming the key.
 */
class SigningKeyFilesTest {
    @TempDir
    Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void publicKeyPrintsEveryKeyCurrentFirst() throws Exception {
        SecretSigningKey next = key("next.key", "main.example.org-2");
        SecretSigningKey old = key("old.key", "main.example.org-1");
        Path config = config("    signing-key-files: [next.key, old.key]\n");

        assertEquals(0, run("--config", config.toString(), "public-key", "--cache", "main"), stderr());

        assertEquals(List.of(next.publicKey().toString(), old.publicKey().toString()), stdout().lines().toList());
        assertEquals(0, run("--config", config.toString(), "check-config"), stderr());
    }

    @Test
    void theSingleKeyFileKeepsWorking() throws Exception {
        SecretSigningKey only = key("only.key", "main.example.org-1");
        Path config = config("    signing-key-file: only.key\n");

        assertEquals(0, run("--config", config.toString(), "public-key", "--cache", "main"), stderr());

        assertEquals(List.of(only.publicKey().toString()), stdout().lines().toList());
    }

    @Test
    void bothKeysAtOnceAreRefused() throws Exception {
        key("a.key", "main-1");
        Path config = config("    signing-key-file: a.key\n    signing-key-files: [a.key]\n");

        assertEquals(2, run("--config", config.toString(), "check-config"));

        assertTrue(stderr().contains("signing-key-files") && stderr().contains("signing-key-file;"), stderr());
    }

    @Test
    void anUnreadableKeyFileIsRefusedNamingTheKeyAndTheFile() throws Exception {
        key("a.key", "main-1");
        Path config = config("    signing-key-files: [a.key, missing.key]\n");

        assertEquals(2, run("--config", config.toString(), "check-config"));

        assertTrue(stderr().contains("caches[main].signing-key-files[1]") && stderr().contains("missing.key"), stderr());
    }

    @Test
    void serveRefusesToStartWithAnUnreadableKeyFile() throws Exception {
        Path config = config("    signing-key-files: [missing.key]\n");

        assertEquals(2, run("--config", config.toString(), "serve"));

        assertTrue(stderr().contains("signing-key-file") && stderr().contains("missing.key"), stderr());
    }

    @Test
    void twoKeysWithOneNameAreRefusedNamingBothFiles() throws Exception {
        key("first.key", "main.example.org-1");
        key("second.key", "main.example.org-1");
        Path config = config("    signing-key-files: [first.key, second.key]\n");

        assertEquals(2, run("--config", config.toString(), "public-key", "--cache", "main"));
        assertTrue(stderr().contains("main.example.org-1") && stderr().contains("first.key")
                && stderr().contains("second.key"), stderr());
        assertEquals(2, run("--config", config.toString(), "check-config"));
    }

    @Test
    void anEmptyListOrTheSameFileTwiceIsRefused() throws Exception {
        key("a.key", "main-1");

        assertEquals(2, run("--config", config("    signing-key-files: []\n").toString(), "check-config"));
        assertTrue(stderr().contains("signing-key-files"), stderr());
        assertEquals(2, run("--config", config("    signing-key-files: [a.key, ./a.key]\n").toString(), "check-config"));
        assertTrue(stderr().contains("twice"), stderr());
    }

    private SecretSigningKey key(String file, String name) throws IOException {
        SecretSigningKey key = SecretSigningKey.generate(name);
        Files.writeString(dir.resolve(file), key.toNixFormat());
        return key;
    }

    private Path config(String keyLines) throws IOException {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "server:\n  key: k\n  hostname: 127.0.0.1\n  standalone: true\n  data-dir: "
                + dir.resolve("data") + "\n  server-port: " + freePort() + "\n  deploy-port: " + freePort()
                + "\ncaches:\n  - name: main\n    port: " + freePort() + "\n" + keyLines);
        return file;
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
