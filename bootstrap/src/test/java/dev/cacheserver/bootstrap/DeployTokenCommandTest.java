package dev.cacheserver.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code token --agent NAME} and {@code token --workspace NAME}: the original's token format, checked names. */
class DeployTokenCommandTest {
    /** PyJWT's {@code jwt.encode({"name": "main"}, "test-key", "HS256")}, as the original printed it. */
    static final String ORIGINAL_TOKEN_FOR_MAIN =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJuYW1lIjoibWFpbiJ9.RqtzUpsFA_C2Jwx5OOZ3zHz78mlyz-342TR8jy0Ic-Q";
    @TempDir
    Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "server:\n  key: test-key\n  data-dir: " + dir + "\n"
                + "caches:\n  - name: cache1\n    port: 18124\n"
                + "workspaces:\n  - name: main\n    cache: cache1\n  - name: prod\n    cache: cache1\n"
                + "agents:\n  - name: main\n    workspace: prod\n  - name: web1\n    workspace: prod\n");
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = file.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return Main.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void agentAndWorkspaceTokensAreTheOriginalsTokens() throws Exception {
        assertEquals(0, run("token", "--agent", "main"));
        assertEquals(0, run("token", "--workspace", "main"));

        assertEquals(ORIGINAL_TOKEN_FOR_MAIN + "\n" + ORIGINAL_TOKEN_FOR_MAIN + "\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anExpiringAgentTokenCarriesAnIdSoItCanBeRevoked() throws Exception {
        assertEquals(0, run("token", "--agent", "web1", "--expires", "30d"));

        String payload = new String(java.util.Base64.getUrlDecoder().decode(out.toString(StandardCharsets.UTF_8)
                .strip().split("\\.")[1]), StandardCharsets.UTF_8);
        assertTrue(payload.contains("\"name\":\"web1\"") && payload.contains("\"exp\":")
                && payload.contains("\"jti\":"), payload);
    }

    @Test
    void unknownNamesAndTwoSubjectsAreRefused() throws Exception {
        assertEquals(2, run("token", "--agent", "ghost"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no agent named 'ghost'"), err.toString());
        assertEquals(2, run("token", "--workspace", "web1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no workspace named 'web1'"), err.toString());
        assertEquals(2, run("token", "--agent", "web1", "--workspace", "prod"));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
