package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 18 items 5 and 6 against the real server: URL parts that pass the alphabet check but not the value check
 * (a nix32 hash too large for sha256), and narinfo fields Nix cannot read (CA, Deriver, System, References), on
 * the Nix and the Cachix endpoints. Each is a 4xx with a short message naming the problem, the server logs no
 * ERROR, and a valid path still goes through afterwards.
 */
@Timeout(120)
class UntrustedFieldsTest {
    static final String OVERFLOW = "a".repeat(52);
    @TempDir
    Path dir;
    final HttpTestSupport support = new HttpTestSupport(18);
    final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        log.start();
        root.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        root.detachAppender(log);
    }

    @Test
    void anOutOfRangeNix32NarNameIsAClientErrorWithoutAnErrorLog() throws Exception {
        try (TestServer server = TestServer.start(dir, "caches:\n  - name: main\n    port: PORT1\n",
                TestServer.freePort())) {
            String base = server.url("main");
            String api = server.apiUrl() + "/api/v1/cache/main";
            for (String ext : List.of(".nar", ".nar.zst", ".nar.xz")) {
                assertEquals(404, support.send("GET", base + "/nar/" + OVERFLOW + ext, null, null).statusCode());
                assertEquals(404, support.send("HEAD", base + "/nar/" + OVERFLOW + ext, null, null).statusCode());
                HttpResponse<String> put = support.send("PUT", base + "/nar/" + OVERFLOW + ext, new byte[10],
                        Tokens.write("main"));
                assertEquals(400, put.statusCode(), put.body());
                assertTrue(put.body().contains("not a NAR file name"), put.body());
                int viaApi = support.send("GET", api + "/nar/" + OVERFLOW + ext, null, null).statusCode();
                assertTrue(viaApi == 400 || viaApi == 404, "the Cachix NAR route: " + viaApi);
            }
            assertEquals(404, support.send("GET", base + "/" + "e".repeat(32) + ".narinfo", null, null).statusCode());
            assertEquals(400, support.send("GET", api + "/" + "e".repeat(32) + ".narinfo", null, null).statusCode());

            assertNoErrorLogged();
            assertEquals(200, support.send("GET", base + "/nix-cache-info", null, null).statusCode());
        }
    }

    @Test
    void narInfoFieldsNixCannotReadAre400NamingTheFieldAndNothingIsPublished() throws Exception {
        try (TestServer server = TestServer.start(dir, "caches:\n  - name: main\n    port: PORT1\n",
                TestServer.freePort())) {
            String base = server.url("main");
            String hash = support.storeHash();
            byte[] nar = TestNars.regularFile(support.randomBytes(500));
            byte[] file = TestNars.zstd(nar);
            String valid = TestNars.narInfo(hash, "pkg", nar, file, "zstd", ".nar.zst");
            String narUrl = base + "/nar/" + TestNars.sha256(file).nix32() + ".nar.zst";
            assertEquals(200, support.send("PUT", narUrl, file, Tokens.write("main")).statusCode());

            List<String[]> bad = List.of(
                    new String[] {"CA: fixed:nonsense\n", "CA is not a valid content address"},
                    new String[] {"CA: fixed:sha256:" + "z".repeat(52) + "\n", "CA is not a valid content address"},
                    new String[] {"Deriver: " + support.storeHash() + "-pkg\n", "Deriver must be a derivation"},
                    new String[] {"System: x86_64 linux\n", "System is not a valid system type"});
            for (String[] field : bad) {
                HttpResponse<String> r = support.send("PUT", base + "/" + hash + ".narinfo",
                        (valid + field[0]).getBytes(StandardCharsets.UTF_8), Tokens.write("main"));
                assertEquals(400, r.statusCode(), field[0] + r.body());
                assertTrue(r.body().contains(field[1]), r.body());
                assertEquals(404, support.send("GET", base + "/" + hash + ".narinfo", null, null).statusCode(),
                        "nothing published for " + field[0]);
            }
            String badRef = valid.replace("References: ", "References: " + support.storeHash().substring(1) + "-x");
            HttpResponse<String> ref = support.send("PUT", base + "/" + hash + ".narinfo",
                    badRef.getBytes(StandardCharsets.UTF_8), Tokens.write("main"));
            assertEquals(400, ref.statusCode(), ref.body());
            assertTrue(ref.body().contains("References"), ref.body());

            String withCa = valid + "CA: fixed:r:sha256:" + TestNars.sha256(nar).nix32() + "\n";
            assertEquals(200, support.send("PUT", base + "/" + hash + ".narinfo",
                    withCa.getBytes(StandardCharsets.UTF_8), Tokens.write("main")).statusCode());
            assertTrue(support.send("GET", base + "/" + hash + ".narinfo", null, null).body()
                    .contains("CA: fixed:r:sha256:"), "a valid CA is served as uploaded");
            assertNoErrorLogged();
        }
    }

    private void assertNoErrorLogged() {
        List<String> errors = log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
        assertEquals(List.of(), errors);
    }
}
