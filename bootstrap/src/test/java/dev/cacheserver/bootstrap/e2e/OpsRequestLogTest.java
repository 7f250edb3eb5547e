package dev.cacheserver.bootstrap.e2e;

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
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@code request-log}: one key=value line per request on {@code cache-server.access}, at the configured level, without secrets. */
@Timeout(120)
class OpsRequestLogTest {
    static final String CACHES = "caches:\n  - name: main\n    port: PORT1\n";
    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newHttpClient();
    final Logger access = (Logger) LoggerFactory.getLogger("cache-server.access");
    final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    Level previous;

    @BeforeEach
    void capture() {
        previous = access.getLevel();
        lines.start();
        access.addAppender(lines);
    }

    @AfterEach
    void release() {
        access.detachAppender(lines);
        access.setLevel(previous);
    }

    int get(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    List<String> messages() {
        return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void infoLinesOnBothPortsWithoutTokensOrQueries() throws Exception {
        access.setLevel(Level.INFO);
        try (TestServer server = TestServer.start(dir, "  request-log: info\n", CACHES, TestServer.freePort())) {
            String token = Tokens.write("main");
            assertEquals(200, get(server.url("main") + "/nix-cache-info?secret=QUERYSECRET", token));
            assertEquals(404, get(server.url("main") + "/0123456789abcdfghijklmnpqrsvwxyz.narinfo", null));
            assertEquals(200, get(server.apiUrl() + "/api/v1/cache/main", token));
            Eventually.await("three access lines", () -> lines.list.size() >= 3);
            List<String> messages = messages();
            String info = messages.stream().filter(m -> m.contains("path=/nix-cache-info")).findFirst().orElseThrow();
            assertTrue(info.matches("method=GET path=/nix-cache-info status=200 bytes=\\d+ received=0 duration_ms=\\d+\\.\\d{3} "
                    + "cache=main remote=127\\.0\\.0\\.1:\\d+"), info);
            assertTrue(messages.stream().anyMatch(m -> m.contains("path=/0123456789abcdfghijklmnpqrsvwxyz.narinfo status=404")),
                    messages.toString());
            assertTrue(messages.stream().anyMatch(m -> m.startsWith("method=GET path=/api/v1/cache/main status=200")
                    && m.contains("cache=main")), messages.toString());
            for (ILoggingEvent event : lines.list) {
                assertEquals(Level.INFO, event.getLevel());
                assertTrue(!event.getFormattedMessage().contains(token), "never a token");
                assertTrue(!event.getFormattedMessage().contains("QUERYSECRET"), "never the query");
                assertTrue(!event.getFormattedMessage().toLowerCase().contains("authorization"));
            }
        }
    }

    @Test
    void debugLevelWhenConfigured() throws Exception {
        access.setLevel(Level.DEBUG);
        try (TestServer server = TestServer.start(dir, "  request-log: debug\n", CACHES, TestServer.freePort())) {
            assertEquals(200, get(server.url("main") + "/nix-cache-info", null));
            Eventually.await("an access line", () -> !lines.list.isEmpty());
            assertEquals(Level.DEBUG, lines.list.get(0).getLevel());
            assertTrue(lines.list.get(0).getFormattedMessage().startsWith("method=GET path=/nix-cache-info status=200"));
        }
    }

    @Test
    void offByDefaultEvenWhenTheLoggerWouldWrite() throws Exception {
        access.setLevel(Level.DEBUG);
        try (TestServer server = TestServer.start(dir, CACHES, TestServer.freePort())) {
            assertEquals(200, get(server.url("main") + "/nix-cache-info", null));
            assertEquals(200, get(server.apiUrl() + "/health", null));
        }
        assertEquals(List.of(), messages());
    }
}
