package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rest of the binary-cache protocol with the real nix 2.8: {@code nix store copy-log} then {@code nix log} with
 * the cache as substituter; {@code nix copy ?write-nar-listing=1} then {@code nix store ls/cat --store}; and a
 * content-addressed derivation whose realisation is copied to the cache and substituted into a fresh store.
 * Runs against a private cache, so every request also needs the netrc token. Needs root and nix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class NixProtocolFilesTest {
    @TempDir
    static Path dir;
    TestServer server;
    NixCli nix;
    String url;
    String key;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        Nix.requireRootAndNix();
        server = TestServer.start(dir, """
                caches:
                  - name: logs
                    port: PORT1
                    access: private
                """, TestServer.freePort());
        url = server.url("logs");
        key = server.publicKey("logs");
        nix = new NixCli(dir.resolve("nix"));
        Path netrc = dir.resolve("nix/netrc");
        Files.writeString(netrc, "machine 127.0.0.1\npassword " + Tokens.write("logs") + "\n");
        Files.writeString(dir.resolve("nix/etc/nix.conf"), "netrc-file = " + netrc + "\n", StandardOpenOption.APPEND);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void copyLogThenNixLogFromTheCache() throws Exception {
        String salt = "log-" + System.nanoTime();
        Path expr = dir.resolve("logged.nix");
        Files.writeString(expr, """
                { salt }: builtins.derivation {
                  name = "logged"; system = builtins.currentSystem; builder = "/bin/sh"; SALT = salt;
                  args = [ "-c" "echo building-with-salt-$SALT; seq 1 3000; echo done > $out" ];
                  PATH = "/usr/bin:/bin";
                }
                """);
        String drv = nix.run("nix-instantiate", expr.toString(), "--argstr", "salt", salt).strip();
        String out = nix.run("nix-build", drv, "--no-out-link").strip();
        nix.run("nix", "copy", "--to", url, out);
        nix.run("nix", "store", "copy-log", "--to", url, drv);

        String base = drv.substring("/nix/store/".length());
        HttpResponse<String> stored = get("/log/" + base, true);
        assertEquals(200, stored.statusCode());
        assertTrue(stored.body().contains("building-with-salt-" + salt) && stored.body().contains("\n2999\n"),
                stored.body().length() + " bytes");
        assertEquals(401, get("/log/" + base, false).statusCode(), "a private cache's logs need a read token");

        // The local store keeps its own copy of the log; without it only the cache can answer.
        deleteLocalLog(base);
        NixCli.Result local = nix.tryRun("nix", "log", drv);
        assertNotEquals(0, local.exit(), "the local log is gone: " + local.output());
        String fromCache = nix.run("nix", "log", drv, "--option", "substituters", url,
                "--option", "trusted-public-keys", key);
        assertTrue(fromCache.contains("building-with-salt-" + salt), fromCache);
        String byOutput = nix.run("nix", "log", "--store", url, out);
        assertTrue(byOutput.contains("building-with-salt-" + salt), "nix log of the output, via its Deriver");
    }

    @Test
    void narListingsServeNixStoreLs() throws Exception {
        String salt = "ls-" + System.nanoTime();
        Path expr = dir.resolve("tree.nix");
        Files.writeString(expr, """
                { salt }: builtins.derivation {
                  name = "tree"; system = builtins.currentSystem; builder = "/bin/sh"; SALT = salt;
                  args = [ "-c" "mkdir -p $out/sub && echo $SALT > $out/sub/hello.txt && ln -s sub/hello.txt $out/link" ];
                  PATH = "/usr/bin:/bin";
                }
                """);
        String out = nix.run("nix-build", expr.toString(), "--argstr", "salt", salt, "--no-out-link").strip();
        nix.run("nix", "copy", "--to", url + "?write-nar-listing=1&compression=zstd", out);

        String hash = out.substring("/nix/store/".length(), "/nix/store/".length() + 32);
        HttpResponse<String> listing = get("/" + hash + ".ls", true);
        assertEquals(200, listing.statusCode());
        assertTrue(listing.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertTrue(listing.body().contains("\"version\":1") && listing.body().contains("hello.txt"), listing.body());

        String ls = nix.run("nix", "store", "ls", "--store", url, "-R", out);
        assertTrue(ls.contains("sub/hello.txt") && ls.contains("link"), ls);
        String cat = nix.run("nix", "store", "cat", "--store", url, out + "/sub/hello.txt");
        assertEquals(salt, cat.strip());
    }

    @Test
    void contentAddressedRealisationRoundTrip() throws Exception {
        String salt = "ca-" + System.nanoTime();
        Path expr = dir.resolve("ca.nix");
        Files.writeString(expr, "builtins.derivation {\n"
                + "  name = \"ca-thing\"; system = builtins.currentSystem; builder = \"/bin/sh\";\n"
                + "  __contentAddressed = true; outputHashMode = \"recursive\"; outputHashAlgo = \"sha256\";\n"
                + "  args = [ \"-c\" \"echo " + salt + " > $out\" ]; PATH = \"/usr/bin:/bin\";\n"
                + "}\n");
        String features = "nix-command ca-derivations";
        String out = outPath(nix.run("nix", "--extra-experimental-features", features, "build", "-f", expr.toString(),
                "--no-link", "--json"));
        nix.run("nix", "--extra-experimental-features", features, "copy", "--to", url, "-f", expr.toString());

        // A fresh store knows nothing of the derivation's output: only the cache's realisation can tell it.
        Path fresh = dir.resolve("fresh-store-" + System.nanoTime());
        String substituted = outPath(nix.run("nix", "--extra-experimental-features", features, "build", "--store",
                fresh.toString(), "-f", expr.toString(), "--no-link", "--json", "-j0",
                "--option", "substituters", url, "--option", "trusted-public-keys", key));
        assertEquals(out, substituted);
        Path copy = fresh.resolve(out.substring(1));
        assertEquals(salt, Files.readString(copy).strip());

        NixCli.Result withoutCache = nix.tryRun("nix", "--extra-experimental-features", features, "build", "--store",
                dir.resolve("empty-store-" + System.nanoTime()).toString(), "-f", expr.toString(), "--no-link", "-j0");
        assertNotEquals(0, withoutCache.exit(), "without the cache the output cannot be had: " + withoutCache.output());
    }

    /** The {@code out} path from {@code nix build --json} (2.8 has no --print-out-paths). */
    private static String outPath(String json) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"out\":\"(/nix/store/[^\"]+)\"").matcher(json);
        assertTrue(m.find(), json);
        return m.group(1);
    }

    private static void deleteLocalLog(String drvBase) throws Exception {
        Path drvs = Path.of("/nix/var/log/nix/drvs", drvBase.substring(0, 2));
        for (String suffix : List.of("", ".bz2")) {
            Files.deleteIfExists(drvs.resolve(drvBase.substring(2) + suffix));
        }
        assertFalse(Files.exists(drvs.resolve(drvBase.substring(2) + ".bz2")));
    }

    private HttpResponse<String> get(String path, boolean withToken) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path));
        if (withToken) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((":" + Tokens.read("logs")).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
