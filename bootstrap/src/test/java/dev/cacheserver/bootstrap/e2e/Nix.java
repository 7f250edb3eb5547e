package dev.cacheserver.bootstrap.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code nix} (Debian nix-bin 2.8, root, no daemon) for the Cachix tests: builds fresh store paths
 * like scripts/nix-client-check.sh does, and fetches them back from a cache with an isolated nix.conf
 * ({@code require-sigs = true}, only the given key trusted, optionally a netrc) and a fresh narinfo cache.
 */
final class Nix {
    private Nix() {
    }

    /** Runs a command and returns its stdout lines; fails on a non-zero exit. */
    static List<String> lines(String... command) throws Exception {
        Result r = run(Map.of(), command);
        if (r.exit != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.exit + "):\n" + r.output);
        }
        return r.output.lines().filter(l -> !l.isBlank()).toList();
    }

    record Result(int exit, String output) {
    }

    static Result run(Map<String, String> env, String... command) throws Exception {
        Path out = Files.createTempFile("nix-cmd", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().putAll(env);
            builder.environment().put("NIX_REMOTE", "");
            Process p = builder.start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + Arrays.toString(command));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * Builds a closure: one blob per size (random bytes, so it does not compress; plus a text file that
     * does) and a top path referencing all of them. Returns the top path; its closure is every blob and top.
     */
    static String buildClosure(Path work, String salt, long... sizes) throws Exception {
        Files.createDirectories(work);
        Path expr = work.resolve("paths.nix");
        Files.writeString(expr, """
                { salt, sizes }:
                let
                  mk = name: script: builtins.derivation {
                    inherit name; system = builtins.currentSystem; builder = "/bin/sh";
                    args = [ "-c" script ]; PATH = "/usr/bin:/bin"; SALT = salt;
                  };
                  blob = size: mk "cachix-blob-${size}"
                    "mkdir -p $out && head -c ${size} /dev/urandom > $out/data && seq 1 20000 > $out/text && echo \\"$SALT\\" > $out/salt";
                  blobs = map blob sizes;
                in mk "cachix-top" ("mkdir -p $out/bin && "
                    + builtins.concatStringsSep " && " (map (b: "echo ${b} >> $out/refs") blobs)
                    + " && printf '#!/bin/sh\\\\necho hello\\\\n' > $out/bin/hello && chmod +x $out/bin/hello")
                """);
        StringBuilder list = new StringBuilder("[ ");
        for (long s : sizes) {
            list.append('"').append(s).append("\" ");
        }
        list.append(']');
        return lines("nix-build", expr.toString(), "--argstr", "salt", salt, "--arg", "sizes", list.toString(),
                "--no-out-link").get(0);
    }

    static List<String> closure(String path) throws Exception {
        return lines("nix-store", "-qR", path);
    }

    static String narHash(String path) throws Exception {
        return lines("nix-store", "-q", "--hash", path).get(0);
    }

    static void delete(List<String> paths) throws Exception {
        List<String> command = new ArrayList<>(List.of("nix-store", "--delete"));
        command.addAll(paths);
        Result r = run(Map.of(), command.toArray(String[]::new));
        for (String p : paths) {
            if (isValid(p)) {
                throw new IllegalStateException("could not delete " + p + ":\n" + r.output);
            }
        }
    }

    static boolean isValid(String path) throws Exception {
        return run(Map.of(), "nix-store", "--check-validity", path).exit == 0;
    }

    /**
     * {@code nix copy --from URL} with require-sigs and only {@code trustedKey} trusted; {@code netrcToken}
     * (may be null) goes into a netrc as cachix use writes it (machine, password, no login).
     */
    static Result copyFrom(Path work, String url, String trustedKey, String netrcToken, List<String> paths)
            throws Exception {
        Path etc = Files.createDirectories(work.resolve("etc-" + System.nanoTime()));
        StringBuilder conf = new StringBuilder("""
                build-users-group =
                sandbox = false
                experimental-features = nix-command
                substituters =
                require-sigs = true
                connect-timeout = 5
                download-attempts = 2
                """);
        if (netrcToken != null) {
            String host = java.net.URI.create(url).getHost();
            Path netrc = etc.resolve("netrc");
            Files.writeString(netrc, "machine " + host + "\npassword " + netrcToken + "\n");
            conf.append("netrc-file = ").append(netrc).append('\n');
        }
        Files.writeString(etc.resolve("nix.conf"), conf.toString());
        Path xdg = Files.createDirectories(work.resolve("xdg-" + System.nanoTime()));
        List<String> command = new ArrayList<>(List.of("nix", "copy", "--from", url, "--option", "require-sigs", "true",
                "--option", "trusted-public-keys", trustedKey));
        command.addAll(paths);
        return run(Map.of("NIX_CONF_DIR", etc.toString(), "XDG_CACHE_HOME", xdg.toString()),
                command.toArray(String[]::new));
    }

    static void requireRootAndNix() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name"))
                && Files.isExecutable(Path.of("/usr/bin/nix")), "needs root and nix (apt-get install nix-bin)");
    }
}
