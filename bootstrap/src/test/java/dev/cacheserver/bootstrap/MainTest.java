package dev.cacheserver.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as an operator uses it: exit codes, messages, and the tokens and keys it prints. */
class MainTest {
    @TempDir
    Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    Path config(String yaml) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void brokenYamlExitsWithCode2AndNamesTheKey() throws Exception {
        Path file = config("server:\n  key: k\n  data-dir: " + dir + "\ncaches:\n  - name: main\n    port: not-a-port\n");
        assertEquals(2, run("--config", file.toString()));
        assertTrue(stderr().contains("caches[0].port"), stderr());
        assertEquals(2, run("--config", file.toString(), "check-config"));
    }

    @Test
    void syntaxErrorsExitWithCode2() throws Exception {
        Path file = config("server:\n  key: [unclosed\n");
        assertEquals(2, run("--config", file.toString(), "check-config"));
        assertTrue(stderr().contains("line"), stderr());
    }

    @Test
    void checkConfigAcceptsAValidFile() throws Exception {
        Path file = config("server:\n  key: k\n  data-dir: " + dir + "\ncaches:\n  - name: main\n    port: 18123\n");
        assertEquals(0, run("--config", file.toString(), "check-config"));
        assertTrue(stdout().contains("main on port 18123"), stdout());
    }

    @Test
    void tokenCommandPrintsTheOriginalServersToken() throws Exception {
        Path file = config("server:\n  key: test-key\n  data-dir: " + dir + "\ncaches:\n  - name: main\n");
        assertEquals(0, run("--config", file.toString(), "token", "--cache", "main"));
        assertEquals("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJuYW1lIjoibWFpbiJ9.RqtzUpsFA_C2Jwx5OOZ3zHz78mlyz-342TR8jy0Ic-Q",
                stdout().strip());
        assertFalse(stderr().contains("test-key"));
    }

    @Test
    void tokenCommandRefusesUnknownCachesAndBadOptions() throws Exception {
        Path file = config("server:\n  key: test-key\n  data-dir: " + dir + "\ncaches:\n  - name: main\n");
        assertEquals(2, run("--config", file.toString(), "token", "--cache", "nope"));
        assertEquals(2, run("--config", file.toString(), "token", "--cache", "main", "--permission", "root"));
        assertEquals(2, run("--config", file.toString(), "token", "--cache"));
        assertEquals(2, run("--config", file.toString(), "frobnicate"));
    }

    @Test
    void generatedSecretsAreKeptWithMode0600AndReused() throws Exception {
        Path file = config("server:\n  data-dir: " + dir + "\ncaches:\n  - name: main\n");
        assertEquals(0, run("--config", file.toString(), "token", "--cache", "main"));
        String first = stdout();
        assertEquals(0, run("--config", file.toString(), "token", "--cache", "main"));
        assertEquals(first + first, stdout(), "the generated server key is reused");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("server.key"))));
        assertEquals(0, run("--config", file.toString(), "public-key", "--cache", "main"));
        assertTrue(stdout().contains("main."), stdout());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("keys/main.secret"))));
    }

    @Test
    void helpIsAvailableForEveryCommand() {
        assertEquals(0, run("--help"));
        assertTrue(stdout().contains("usage: cache-server"));
        assertEquals(0, run("token", "--help"));
        assertEquals(0, run("public-key", "--help"));
        assertEquals(0, run("check-config", "--help"));
        for (String command : new String[] {"serve", "revoke-token", "list-tokens", "gc", "storage-usage"}) {
            out.reset();
            err.reset();
            assertEquals(0, run(command, "--help"), command + " --help: " + stderr());
            assertTrue(stdout().contains("usage: cache-server"), command + " --help printed: " + stdout());
            assertEquals("", stderr(), command + " --help is not a usage error");
        }
        out.reset();
        assertEquals(0, run("serve", "-h"));
        assertTrue(stdout().contains("SIGHUP"), stdout());
    }
}
