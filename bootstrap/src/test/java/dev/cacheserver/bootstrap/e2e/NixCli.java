package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real nix (single-user, no daemon, as root) with an isolated nix.conf in {@code work}: no substituters,
 * signatures required, a fresh narinfo cache per command so every command really asks the servers.
 */
final class NixCli {
    final Path work;

    NixCli(Path work) throws IOException {
        this.work = work;
        Files.createDirectories(work.resolve("etc"));
        Files.writeString(work.resolve("etc/nix.conf"), """
                build-users-group =
                sandbox = false
                experimental-features = nix-command
                substituters =
                require-sigs = true
                connect-timeout = 5
                stalled-download-timeout = 60
                download-attempts = 2
                """);
    }

    /** Runs a command; returns stdout (stderr goes to the test log), failing the test on a non-zero exit. */
    String run(String... command) throws IOException, InterruptedException {
        Result result = tryRun(command);
        assertEquals(0, result.exit, String.join(" ", command) + " failed:\n" + result.output);
        return result.stdout;
    }

    record Result(int exit, String stdout, String output) {
    }

    Result tryRun(String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("NIX_CONF_DIR", work.resolve("etc").toString());
        builder.environment().put("NIX_REMOTE", "");
        builder.environment().remove("NIX_CONFIG");
        builder.environment().put("XDG_CACHE_HOME", Files.createTempDirectory(work, "xdg").toString());
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + Arrays.toString(command));
        }
        String stdout = Files.readString(out);
        String stderr = Files.readString(err);
        System.out.println("+ " + String.join(" ", command) + "\n" + stderr);
        return new Result(process.exitValue(), stdout, stdout + stderr);
    }

    /** Builds a fresh closure (random blobs, a path referencing one, a top referencing all); its paths, top first. */
    List<String> buildClosure(String salt) throws IOException, InterruptedException {
        Path expr = work.resolve("paths.nix");
        Files.writeString(expr, """
                { salt }:
                let
                  mk = name: script: builtins.derivation {
                    inherit name; system = builtins.currentSystem; builder = "/bin/sh";
                    args = [ "-c" script ]; PATH = "/usr/bin:/bin"; SALT = salt;
                  };
                  blob = size: mk "cluster-blob-${size}"
                    "mkdir -p $out && head -c ${size} /dev/urandom > $out/data && echo \\"$SALT\\" > $out/salt";
                  blobs = map blob [ "1024" "300000" ];
                  mid = mk "cluster-mid" "mkdir -p $out && echo ${builtins.head blobs} > $out/ref";
                in mk "cluster-top" ("mkdir -p $out && echo ${mid} > $out/refs && "
                    + builtins.concatStringsSep " && " (map (b: "echo ${b} >> $out/refs") blobs))
                """);
        String top = run("nix-build", expr.toString(), "--argstr", "salt", salt, "--no-out-link").strip();
        List<String> closure = new ArrayList<>(List.of(top));
        for (String p : run("nix-store", "-qR", top).strip().split("\n")) {
            if (!p.equals(top)) {
                closure.add(p);
            }
        }
        return closure;
    }

    String narSha256(String path) throws IOException, InterruptedException {
        return run("bash", "-c", "nix-store --dump '" + path + "' | sha256sum | cut -d' ' -f1").strip();
    }

    void delete(List<String> paths) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("nix-store", "--delete"));
        command.addAll(paths);
        run(command.toArray(String[]::new));
    }
}
