package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code nix} (Debian nix-bin 2.8) pushes to cache-server with a netrc token, then fetches the
 * closure back with {@code require-sigs} and only the cache's key trusted, byte-identical
 * (scripts/nix-client-check.sh). Needs root and nix, as the test command installs them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NixRoundTripTest {
    @TempDir
    static Path dir;
    TestServer server;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(dir, """
                caches:
                  - name: main
                    port: PORT1
                  - name: secret
                    port: PORT2
                    access: private
                """, TestServer.freePort(), TestServer.freePort());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void zstdRoundTrip() throws Exception {
        check("main", "--compression", "zstd");
    }

    @Test
    void xzRoundTrip() throws Exception {
        check("main", "--compression", "xz", "--sizes", "1024 65536");
    }

    @Test
    void uncompressedRoundTrip() throws Exception {
        check("main", "--compression", "none");
    }

    @Test
    void bzip2RoundTripOnAPrivateCache() throws Exception {
        check("secret", "--compression", "bzip2", "--sizes", "1024 65536", "--fetch-mode", "copy");
    }

    @Test
    void largePathRoundTrip() throws Exception {
        String output = check("main", "--compression", "zstd", "--large", "--fetch-mode", "copy", "--no-negative");
        assertTrue(output.contains("209715200") || output.contains("PASS"), output);
    }

    private String check(String cache, String... options) throws Exception {
        String[] all = new String[options.length + 2];
        all[0] = "--token";
        all[1] = Tokens.write(cache);
        System.arraycopy(options, 0, all, 2, options.length);
        return NixClientCheck.run(dir.resolve("work-" + cache + "-" + System.nanoTime()), server.url(cache),
                server.publicKey(cache), all);
    }
}
