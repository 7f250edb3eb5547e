package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code shared/scripts/nix-client-check.sh} (the real {@code nix} round trip) against a cache URL.
 * The script lives in the shared folder beside the checkout; override with -Dnix.client.check=PATH.
 */
final class NixClientCheck {
    private NixClientCheck() {
    }

    static Path script() {
        String configured = System.getProperty("nix.client.check");
        if (configured != null) {
            return Path.of(configured);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("shared/scripts/nix-client-check.sh");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("shared/scripts/nix-client-check.sh not found above " + Path.of("").toAbsolutePath());
    }

    /** Runs the check and asserts it passed; its whole output goes to the test log. */
    static String run(Path workDir, String url, String publicKey, String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", script().toString(), "--workdir", workDir.toString()));
        command.addAll(List.of(options));
        command.add(url);
        command.add(publicKey);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("NIX_CHECK_TIMEOUT", "300");
        Path log = Files.createTempFile("nix-client-check", ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        boolean finished = process.waitFor(15, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        System.out.println(output);
        assertTrue(finished, "nix-client-check.sh timed out");
        assertEquals(0, process.exitValue(), "nix-client-check.sh failed:\n" + output);
        assertTrue(output.contains("RESULT: PASS"), output);
        return output;
    }
}
