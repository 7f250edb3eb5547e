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
 * The script lives in the shared folder beside the checkout (or beside the checkout a local clone was made from);
 * override with -Dnix.client.check=PATH.
 */
final class NixClientCheck {
    private NixClientCheck() {
    }

    static Path script() {
        String configured = System.getProperty("nix.client.check");
        if (configured != null) {
            return Path.of(configured);
        }
        Path here = Path.of("").toAbsolutePath();
        // A clone of a local checkout (e.g. CI's fresh clone in /tmp) finds the shared folder beside its origin.
        for (Path start : new Path[] {here, localOrigin(here)}) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve("shared/scripts/nix-client-check.sh");
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("shared/scripts/nix-client-check.sh not found above " + here
                + " nor above the clone's origin; set -Dnix.client.check=PATH");
    }

    /** The directory this checkout was cloned from, when that is a local path; null otherwise. */
    private static Path localOrigin(Path dir) {
        try {
            Process git = new ProcessBuilder("git", "-C", dir.toString(), "config", "--get", "remote.origin.url")
                    .redirectErrorStream(true).start();
            String url = new String(git.getInputStream().readAllBytes()).strip();
            if (git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 && !url.isEmpty()) {
                Path origin = Path.of(url.startsWith("file://") ? url.substring("file://".length()) : url);
                return Files.isDirectory(origin) ? origin.toAbsolutePath() : null;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
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
