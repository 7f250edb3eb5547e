package dev.cacheserver.bootstrap.e2e;

import static dev.cacheserver.bootstrap.e2e.NixFileCache.hashOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Upstreams whose narinfos point to NARs in another layout than this server's {@code nar/<filehash>.nar.<ext>}:
 * Attic's {@code nar/<store path hash>.nar} (without FileHash), subdirectories, absolute URLs on the upstream's
 * host. The real nix substitutes through cache-server, trusting only its key; a URL leading off the upstream is
 * refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamLayoutsTest {
    @TempDir
    static Path dir;
    NixFileCache upstream;
    NginxUpstream nginx;
    TestServer server;
    final ListAppender<ILoggingEvent> log = new ListAppender<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    void start() throws Exception {
        Nix.requireRootAndNix();
        Assumptions.assumeTrue(NginxUpstream.available(), "needs nginx (apt-get install nginx-light)");
        upstream = NixFileCache.create(Files.createDirectories(dir.resolve("upstream")), "layouts-e2e-1");
        nginx = NginxUpstream.serve(Files.createDirectories(dir.resolve("nginx")), upstream.www);
        server = TestServer.start(Files.createDirectories(dir.resolve("server")), """
                caches:
                  - name: main
                    port: PORT1
                    upstreams:
                      - {url: "%s", public-keys: ["%s"]}
                """.formatted(nginx.url(), upstream.publicKey), TestServer.freePort());
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (nginx != null) {
            nginx.close();
        }
    }

    @BeforeEach
    void captureLog() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
    }

    @Test
    void nixSubstitutesFromAnUpstreamWhoseNarsLieInOtherLayouts() throws Exception {
        List<String> closure = upstream.push(dir.resolve("work-layouts"), "layouts", "none", 4096, 100_000);
        String top = closure.stream().filter(p -> p.contains("cachix-top")).findFirst().orElseThrow();
        List<String> blobs = closure.stream().filter(p -> !p.equals(top)).toList();
        String attic = "nar/" + hashOf(blobs.get(0)) + ".nar";
        String fileHash = upstream.narInfo(blobs.get(0)).get("FileHash").substring("sha256:".length());
        upstream.relocate(blobs.get(0), attic, attic);
        upstream.dropFileHash(blobs.get(0));
        String nested = "store/" + hashOf(blobs.get(1)).substring(0, 2) + "/" + hashOf(blobs.get(1)) + ".nar";
        upstream.relocate(blobs.get(1), nested, nested);
        upstream.relocate(top, nginx.url() + "/elsewhere/top.nar", "elsewhere/top.nar");

        Nix.Result result = Nix.copyFrom(dir.resolve("work-fetch"), server.url("main"), server.publicKey("main"),
                null, closure);

        assertEquals(0, result.exit(), result.output());
        for (String path : closure) {
            assertTrue(Nix.isValid(path), path + " substituted");
        }
        String served = get("/" + hashOf(blobs.get(0)) + ".narinfo").body();
        assertTrue(served.contains("URL: nar/" + fileHash + ".nar\n"), "served in this cache's layout: " + served);
        assertEquals(1, nginx.requests("GET /" + attic).size());
        assertEquals(1, nginx.requests("GET /" + nested).size());
        assertEquals(1, nginx.requests("GET /elsewhere/top.nar").size());
    }

    @Test
    void aNarUrlLeadingOffTheUpstreamIsRefusedWithAWarning() throws Exception {
        List<String> closure = upstream.push(dir.resolve("work-escape"), "escape", "xz", 1024);
        String top = closure.stream().filter(p -> p.contains("cachix-top")).findFirst().orElseThrow();
        String blob = closure.stream().filter(p -> !p.equals(top)).findFirst().orElseThrow();
        String blobUrl = upstream.narInfo(blob).get("URL");
        upstream.relocate(blob, "../" + blobUrl, null);
        upstream.relocate(top, "http://localhost:" + nginx.port + "/" + upstream.narInfo(top).get("URL"), null);

        HttpResponse<String> escaping = get("/" + hashOf(blob) + ".narinfo");
        HttpResponse<String> otherHost = get("/" + hashOf(top) + ".narinfo");

        assertEquals(404, escaping.statusCode(), escaping.body());
        assertEquals(404, otherHost.statusCode(), otherHost.body());
        assertTrue(warned(hashOf(blob), "leaves"), "a warning names the escaping path");
        assertTrue(warned(hashOf(top), "another host"), "a warning names the path on another host");
        assertEquals(0, nginx.requests(blobUrl.substring(blobUrl.lastIndexOf('/'))).size(), "no NAR fetched");
    }

    private boolean warned(String hash, String reason) {
        return log.list.stream().anyMatch(e -> e.getLevel() == Level.WARN
                && e.getFormattedMessage().contains(hash) && e.getFormattedMessage().contains(reason));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url("main") + path)).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
