package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.luben.zstd.Zstd;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of the real server process at random points of uploads (a Nix NAR PUT before, during and after its body,
 * a narinfo PUT, the Cachix multipart flow at create, part PUT and complete), each followed by a restart on the same
 * data. After every restart: every published path's narinfo leads to its NAR with the right FileHash and NarHash,
 * every accepted path (a 2xx narinfo PUT or complete) is still there, and no spool file is left. The kill points come
 * from a seeded random: the seed is printed, and {@code -Dkill.seed=N} replays a run ({@code -Dkill.points=N}
 * changes how many).
 */
@Timeout(600)
class OpsKillTest extends HttpTestSupport {
    private static final long SEED = Long.getLong("kill.seed", System.nanoTime());
    private static final int KILL_POINTS = Integer.getInteger("kill.points", 20);
    /** 21 JVM starts: C1 only and the serial collector start the server in about half the CPU time. */
    private static final String[] QUICK_START = {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"};

    /** Where an upload is when the server dies. */
    enum KillPoint {
        NAR_PUT_BEFORE_BODY, NAR_PUT_DURING_BODY, NAR_PUT_AFTER_BODY, NARINFO_PUT_UNANSWERED, NARINFO_PUT_ANSWERED,
        CACHIX_AFTER_CREATE, CACHIX_DURING_PART, CACHIX_COMPLETE_UNANSWERED, CACHIX_COMPLETE_ANSWERED
    }

    /** A path this test tried to publish: what its NAR must be, and whether the server said it was accepted. */
    record Attempt(String hash, byte[] nar, boolean accepted) {
    }

    @TempDir
    Path dir;
    private final Map<String, Attempt> attempts = new LinkedHashMap<>();
    private final List<Socket> open = new ArrayList<>();
    private int port;
    private int apiPort;
    private int spoolFilesLeftByKills;

    OpsKillTest() {
        super(SEED);
    }

    @Test
    void noKillLosesAnAcceptedPathOrPublishesABrokenOne() throws Exception {
        System.out.println("OpsKillTest seed " + SEED + " (replay with -Dkill.seed=" + SEED + ")");
        port = TestServer.freePort();
        apiPort = TestServer.freePort();
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, "server:\n  hostname: 127.0.0.1\n  standalone: true\n  key: " + TestServer.KEY
                + "\n  data-dir: " + dir.resolve("data") + "\n  server-port: " + apiPort + "\n  deploy-port: "
                + TestServer.freePort() + "\ncaches:\n  - name: main\n    port: " + port
                + "\n    storages:\n      - name: a\n        type: local\n        root: " + dir.resolve("disk") + "\n");
        Map<KillPoint, Integer> counts = new EnumMap<>(KillPoint.class);
        for (int round = 0; round < KILL_POINTS; round++) {
            KillPoint point = KillPoint.values()[random.nextInt(KillPoint.values().length)];
            try (ServerProcess server = ServerProcess.start(config, port, QUICK_START)) {
                checkAfterRestart("before kill point " + round);
                for (int i = random.nextInt(3); i > 0; i--) {
                    pushAnswered();
                }
                upToKill(point);
                server.process.destroyForcibly();
                assertTrue(server.process.waitFor(30, TimeUnit.SECONDS), "SIGKILL ends the server");
            }
            for (Socket socket : open) {
                socket.close();
            }
            open.clear();
            spoolFilesLeftByKills += spoolFiles().size();
            counts.merge(point, 1, Integer::sum);
        }
        try (ServerProcess server = ServerProcess.start(config, port, QUICK_START)) {
            checkAfterRestart("after the last kill");
        }
        long accepted = attempts.values().stream().filter(Attempt::accepted).count();
        System.out.println("OpsKillTest: " + KILL_POINTS + " kill points " + counts + "; " + attempts.size()
                + " paths attempted, " + accepted + " accepted; " + spoolFilesLeftByKills
                + " spool files left by the kills, 0 after each restart; seed " + SEED);
        assertTrue(accepted > 0, "some uploads were accepted, so the check has something to find");
    }

    /** Runs one upload up to {@code point}; the caller kills the server right after. */
    private void upToKill(KillPoint point) throws Exception {
        String hash = storeHash();
        byte[] nar = TestNars.regularFile(randomBytes(50_000 + random.nextInt(300_000)));
        byte[] file = TestNars.zstd(nar);
        String narUrl = "/nar/" + TestNars.sha256(file).nix32() + ".nar.zst";
        byte[] info = TestNars.narInfo(hash, "killed", nar, file, "zstd", ".nar.zst").getBytes(StandardCharsets.UTF_8);
        switch (point) {
            case NAR_PUT_BEFORE_BODY -> leaveOpen(send(port, "PUT", narUrl, "Basic", file, 0));
            case NAR_PUT_DURING_BODY -> {
                leaveOpen(send(port, "PUT", narUrl, "Basic", file, 1 + random.nextInt(file.length - 1)));
                // Killed once the server is writing the body, not before it has even read the request.
                awaitQuietly(() -> !spoolFiles().isEmpty());
            }
            case NAR_PUT_AFTER_BODY -> {
                leaveOpen(send(port, "PUT", narUrl, "Basic", file, file.length));
                Path stored = dir.resolve("disk/main/a").resolve(narUrl.substring("/nar/".length()));
                awaitQuietly(() -> Files.exists(stored) || spoolFiles().stream().anyMatch(f -> size(f) == file.length));
            }
            case NARINFO_PUT_UNANSWERED, NARINFO_PUT_ANSWERED -> {
                assertEquals(200, answer(send(port, "PUT", narUrl, "Basic", file, file.length)));
                attempts.put(hash, new Attempt(hash, nar, false));
                Socket put = send(port, "PUT", "/" + hash + ".narinfo", "Basic", info, info.length);
                if (point == KillPoint.NARINFO_PUT_ANSWERED) {
                    assertEquals(200, answer(put), "narinfo PUT");
                    attempts.put(hash, new Attempt(hash, nar, true));
                } else {
                    leaveOpen(put);
                }
            }
            default -> cachixUpToKill(point, hash, nar, file);
        }
    }

    private void cachixUpToKill(KillPoint point, String hash, byte[] nar, byte[] file) throws Exception {
        CachixClient client = new CachixClient("http://127.0.0.1:" + apiPort, Tokens.write("main"));
        JsonObject created = client.createNar("main", "zst");
        if (point == KillPoint.CACHIX_AFTER_CREATE) {
            return;
        }
        String narId = created.getString("narId");
        String uploadId = created.getString("uploadId");
        int cut = 1 + random.nextInt(file.length - 1);
        List<byte[]> parts = List.of(java.util.Arrays.copyOf(file, cut), java.util.Arrays.copyOfRange(file, cut, file.length));
        JsonArray etags = new JsonArray();
        for (int n = 1; n <= parts.size(); n++) {
            byte[] part = parts.get(n - 1);
            String md5 = CachixClient.md5(part, part.length);
            String url = client.uploadUrl("main", narId, uploadId, n, md5);
            if (point == KillPoint.CACHIX_DURING_PART && n == parts.size()) {
                URI uri = URI.create(url);
                leaveOpen(send(uri.getPort(), "PUT", uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?"
                        + uri.getRawQuery()), "Content-MD5: " + md5, part, 1 + random.nextInt(part.length)));
                awaitQuietly(() -> !spoolFiles().isEmpty());
                return;
            }
            etags.add(new JsonObject().put("partNumber", n).put("eTag", client.putPart(url, part, md5).orElseThrow()));
        }
        byte[] complete = new JsonObject().put("parts", etags).put("narInfoCreate", new JsonObject()
                .put("cStoreHash", hash).put("cStoreSuffix", "killed").put("cNarHash", TestNars.sha256(nar).toString())
                .put("cNarSize", nar.length).put("cFileHash", TestNars.sha256(file).hex()).put("cFileSize", file.length)
                .put("cReferences", new JsonArray()).put("cDeriver", "unknown-deriver").putNull("cSig"))
                .encode().getBytes(StandardCharsets.UTF_8);
        attempts.put(hash, new Attempt(hash, nar, false));
        Socket post = send(apiPort, "POST", "/api/v1/cache/main/multipart-nar/" + narId + "/complete?uploadId="
                + uploadId, "Bearer", complete, complete.length);
        if (point == KillPoint.CACHIX_COMPLETE_ANSWERED) {
            assertEquals(200, answer(post), "complete");
            attempts.put(hash, new Attempt(hash, nar, true));
        } else {
            leaveOpen(post);
        }
    }

    /** A whole Nix upload (NAR, then narinfo), answered: the path is accepted. */
    private void pushAnswered() throws Exception {
        String hash = storeHash();
        byte[] nar = TestNars.regularFile(randomBytes(1_000 + random.nextInt(100_000)));
        byte[] file = TestNars.zstd(nar);
        String base = "http://127.0.0.1:" + port;
        assertEquals(200, send("PUT", base + "/nar/" + TestNars.sha256(file).nix32() + ".nar.zst", file,
                Tokens.write("main")).statusCode());
        HttpResponse<String> put = send("PUT", base + "/" + hash + ".narinfo",
                TestNars.narInfo(hash, "kept", nar, file, "zstd", ".nar.zst").getBytes(StandardCharsets.UTF_8),
                Tokens.write("main"));
        assertEquals(200, put.statusCode(), put.body());
        attempts.put(hash, new Attempt(hash, nar, true));
    }

    /** Every accepted path is served, every published path has its NAR intact, and no spool file is left. */
    private void checkAfterRestart(String when) throws Exception {
        String base = "http://127.0.0.1:" + port;
        for (Attempt attempt : attempts.values()) {
            HttpResponse<String> info = send("GET", base + "/" + attempt.hash() + ".narinfo", null, null);
            if (info.statusCode() == 404 && !attempt.accepted()) {
                continue;
            }
            assertEquals(200, info.statusCode(), when + ": " + (attempt.accepted() ? "accepted" : "published")
                    + " path " + attempt.hash() + " (seed " + SEED + ")");
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : info.body().split("\n")) {
                int colon = line.indexOf(": ");
                if (colon > 0) {
                    fields.put(line.substring(0, colon), line.substring(colon + 2));
                }
            }
            HttpResponse<byte[]> nar = http.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "/"
                    + fields.get("URL"))).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, nar.statusCode(), when + ": the NAR of published path " + attempt.hash() + " (seed " + SEED + ")");
            assertEquals(fields.get("FileHash"), TestNars.sha256(nar.body()).toString(), when + ": FileHash of "
                    + attempt.hash() + " (seed " + SEED + ")");
            byte[] decompressed = Zstd.decompress(nar.body(), Integer.parseInt(fields.get("NarSize")));
            assertEquals(fields.get("NarHash"), TestNars.sha256(decompressed).toString(), when + ": NarHash of "
                    + attempt.hash());
            assertArrayEquals(attempt.nar(), decompressed, when + ": the NAR of " + attempt.hash());
        }
        assertEquals(List.of(), spoolFiles(), when + ": spool files left after the restart (seed " + SEED + ")");
    }

    private List<Path> spoolFiles() throws IOException {
        List<Path> left = new ArrayList<>();
        for (Path root : new Path[] {dir.resolve("disk/main/a/.spool"), dir.resolve("data/uploads")}) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> files = Files.walk(root)) {
                    files.filter(Files::isRegularFile).filter(p -> root.endsWith(".spool")
                            || p.getFileName().toString().startsWith(".spool-")).forEach(left::add);
                }
            }
        }
        return left;
    }

    /** Waits (bounded) until the server has got as far as {@code reached}; an I/O error while looking counts as not yet. */
    private static void awaitQuietly(Check reached) {
        Eventually.await("the server reached the kill point", java.time.Duration.ofSeconds(30), () -> {
            try {
                return reached.holds();
            } catch (IOException | java.io.UncheckedIOException e) {
                return false;
            }
        });
    }

    interface Check {
        boolean holds() throws IOException;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException gone) {
            return -1;
        }
    }

        /** Opens a connection and sends the request head and the first {@code sent} bytes of {@code body}. */
    private static Socket send(int port, String method, String path, String auth, byte[] body, int sent)
            throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(60_000);
        String credentials = switch (auth) {
            case "Basic" -> "Authorization: Basic " + java.util.Base64.getEncoder().encodeToString((":"
                    + Tokens.write("main")).getBytes(StandardCharsets.UTF_8));
            case "Bearer" -> "Authorization: Bearer " + Tokens.write("main") + "\r\nContent-Type: application/json";
            default -> auth;
        };
        OutputStream out = socket.getOutputStream();
        out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + credentials + "\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, sent);
        out.flush();
        return socket;
    }

    /** The status of the answer on {@code socket}, which is then closed. */
    private static int answer(Socket socket) throws IOException {
        try (socket) {
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
                line.append((char) c);
            }
            String[] parts = line.toString().split(" ");
            if (parts.length < 2) {
                fail("no answer: '" + line + "'");
            }
            return Integer.parseInt(parts[1]);
        }
    }

    /** Keeps {@code socket} open until the server has been killed, so the kill cuts the upload off mid-way. */
    private void leaveOpen(Socket socket) {
        open.add(socket);
    }
}
