package dev.cacheserver.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** token, list-tokens and revoke-token as an operator runs them. */
class TokenCommandsTest {
    @TempDir
    Path dir;

    String run(int expectedExit, Path config, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = config.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        int exit = Main.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(expectedExit, exit, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aScopedTokenIsListedThenRevoked() throws Exception {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, "server:\n  key: k\n  data-dir: " + dir + "\ncaches:\n  - name: main\n    port: 18124\n");

        String token = run(0, config, "token", "--cache", "main", "--permission", "read", "--expires", "30d").strip();
        TokenClaims claims = new Hs256Tokens("k".getBytes(StandardCharsets.UTF_8)).verify(token, Instant.now());
        assertEquals(Permission.READ, claims.permission());
        String listed = run(0, config, "list-tokens");
        assertTrue(listed.contains(claims.id() + "\tmain\tread\t"), listed);
        assertTrue(listed.lines().filter(l -> l.startsWith(claims.id())).findFirst().orElseThrow().endsWith("\t-"));

        assertTrue(run(0, config, "revoke-token", claims.id()).contains("revoked " + claims.id()));

        String after = run(0, config, "list-tokens");
        assertTrue(!after.lines().filter(l -> l.startsWith(claims.id())).findFirst().orElseThrow().endsWith("\t-"), after);
        assertTrue(run(0, config, "revoke-token", claims.id()).contains("already revoked"));
        run(2, config, "revoke-token");
    }

    @Test
    void theOriginalsTokenIsStillPrintedAndNotRecorded() throws Exception {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, "server:\n  key: test-key\n  data-dir: " + dir + "\ncaches:\n  - name: main\n    port: 18125\n");

        assertEquals("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJuYW1lIjoibWFpbiJ9.RqtzUpsFA_C2Jwx5OOZ3zHz78mlyz-342TR8jy0Ic-Q",
                run(0, config, "token", "--cache", "main").strip());
        assertEquals(1, run(0, config, "list-tokens").lines().count(), "only the header");
    }
}
