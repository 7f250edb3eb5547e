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
 * Runs the project's real-{@code nix} round trip, {@code scripts/nix-client-check.sh} in this repository, against a
 * cache URL. Surefire runs in the module directory, so the script is one level up; -Dnix.client.check=PATH runs
 * another copy.
 */
final class NixClientCheck {
    private NixClientCheck() {
    }

    static Path script() {
        String configured = System.getProperty("nix.client.check");
        if (configured != null) {
            return Path.of(configured);
        }
        Path module = Path.of("").toAbsolutePath();
        for (Path dir : new Path[] {module, module.getParent()}) {
            Path candidate = dir == null ? null : dir.resolve("scripts/nix-client-check.sh");
            if (candidate != null && Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("scripts/nix-client-check.sh not found in " + module + " nor its parent;"
                + " set -Dnix.client.check=PATH");
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
