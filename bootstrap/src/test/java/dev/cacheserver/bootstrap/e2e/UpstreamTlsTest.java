package dev.cacheserver.bootstrap.e2e;

import static dev.cacheserver.bootstrap.e2e.NixFileCache.hashOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * An upstream over HTTPS: nginx with a certificate issued for 127.0.0.1 by a private CA that {@code openssl} makes
 * here. With {@code ca-file} naming that CA the real nix substitutes through cache-server; without it (the JVM's
 * trust store) or under a host name the certificate does not name, the upstream fails like one that is down.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamTlsTest {
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");

    @TempDir
    static Path dir;
    NixFileCache upstream;
    NginxUpstream nginx;
    TestServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    void start() throws Exception {
        Nix.requireRootAndNix();
        Assumptions.assumeTrue(NginxUpstream.available(), "needs nginx (apt-get install nginx-light)");
        Assertions.assertTrue(Files.isExecutable(OPENSSL), "needs openssl (scripts/test.sh installs it)");
        Path pki = Files.createDirectories(dir.resolve("pki"));
        issueCertificates(pki);
        upstream = NixFileCache.create(Files.createDirectories(dir.resolve("upstream")), "tls-e2e-1");
        nginx = NginxUpstream.serveTls(Files.createDirectories(dir.resolve("nginx")), upstream.www,
                pki.resolve("server.pem"), pki.resolve("server.key"), 3);
        String key = upstream.publicKey;
        server = TestServer.start(Files.createDirectories(dir.resolve("server")), """
                  upstream-timeout: 5s
                """, """
                caches:
                  - name: trusted
                    port: PORT1
                    upstreams:
                      - {url: "https://127.0.0.1:%1$d", public-keys: ["%4$s"], ca-file: "%5$s"}
                  - name: untrusted
                    port: PORT2
                    upstreams:
                      - {url: "https://127.0.0.1:%2$d", public-keys: ["%4$s"]}
                  - name: wronghost
                    port: PORT3
                    upstreams:
                      - {url: "https://localhost:%3$d", public-keys: ["%4$s"], ca-file: "%5$s"}
                """.formatted(nginx.ports.get(0), nginx.ports.get(1), nginx.ports.get(2), key, pki.resolve("ca.pem")),
                TestServer.freePort(), TestServer.freePort(), TestServer.freePort());
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

    @Test
    void nixSubstitutesFromAnHttpsUpstreamWhoseCaIsConfigured() throws Exception {
        List<String> closure = upstream.push(dir.resolve("work-tls"), "tls", "zstd", 4096, 200_000);

        Nix.Result result = Nix.copyFrom(dir.resolve("work-fetch"), server.url("trusted"), server.publicKey("trusted"),
                null, closure);

        assertEquals(0, result.exit(), result.output());
        for (String path : closure) {
            assertTrue(Nix.isValid(path), path + " substituted");
        }
        assertTrue(nginx.requests(hashOf(closure.get(0)) + ".narinfo").size() > 0, "fetched over HTTPS from nginx");
    }

    @Test
    void anUntrustedOrWrongHostCertificateIsAnUpstreamFailureNotACrash() throws Exception {
        List<String> closure = upstream.push(dir.resolve("work-refused"), "refused", "xz", 1024);
        String narInfo = "/" + hashOf(closure.get(0)) + ".narinfo";
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
        HttpResponse<String> untrusted;
        HttpResponse<String> wrongHost;
        try {
            untrusted = get("untrusted", narInfo);
            wrongHost = get("wronghost", narInfo);
        } finally {
            root.detachAppender(log);
        }

        assertEquals(502, untrusted.statusCode(), untrusted.body());
        assertTrue(untrusted.body().contains("upstream"), untrusted.body());
        assertEquals(502, wrongHost.statusCode(), wrongHost.body());
        assertEquals(0, nginx.requests(narInfo).size(), "no request got past the TLS handshake");
        for (String url : List.of("https://127.0.0.1:" + nginx.ports.get(1), "https://localhost:" + nginx.ports.get(2))) {
            assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains(url)
                    && e.getFormattedMessage().contains("TLS certificate refused")), "the certificate was refused: " + url);
        }
        assertEquals(200, get("trusted", narInfo).statusCode(), "the same upstream, trusted, still serves it");
    }

    private HttpResponse<String> get(String cache, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url(cache) + path)).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A private CA (ca.pem) and a server certificate it signed for IP 127.0.0.1 only (server.pem, server.key). */
    private static void issueCertificates(Path pki) throws Exception {
        openssl(pki, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=cache-server test CA");
        openssl(pki, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
        Files.writeString(pki.resolve("server.ext"), """
                subjectAltName = IP:127.0.0.1
                basicConstraints = CA:FALSE
                keyUsage = digitalSignature
                extendedKeyUsage = serverAuth
                """);
        openssl(pki, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "2", "-extfile", "server.ext");
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(OPENSSL.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), "openssl " + String.join(" ", args) + ": " + output);
    }
}
