package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full Cachix Deploy runs against a real server: a spec-faithful agent ({@link FakeCachixAgent}) and activate
 * client ({@link FakeActivateClient}), asserting what the real {@code cachix} would read: messages, status
 * documents, log lines, close codes, HTTP statuses.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DeployE2eTest {
    static final Duration POLL = Duration.ofMillis(200);
    static final String ROLLBACK = "/nix/store/w92hbm7f4yyjfhqm1z2iwxzn1hd5lkpz-rollback.sh";
    static final String OK_SCRIPT = "echo \"activating $STORE_PATH on $AGENT\"; echo 'switching to the new configuration'";
    @TempDir
    Path dir;
    DeployHarness server;
    Vertx vertx;

    @BeforeEach
    void start() throws Exception {
        server = DeployHarness.start(dir);
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            server.close();
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    static String storePath(String name) {
        String alphabet = "0123456789abcdfghijklmnpqrsvwxyz";
        SecureRandom random = new SecureRandom();
        StringBuilder hash = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            hash.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return "/nix/store/" + hash + "-" + name;
    }

    FakeCachixAgent agent(String name, String script) {
        return new FakeCachixAgent(vertx, server.deployPort, name, DeployHarness.token(name), script, 123456789L).start();
    }

    FakeActivateClient activateClient(String workspace) {
        return new FakeActivateClient(vertx, server.deployPort, DeployHarness.token(workspace), POLL);
    }

    @Test
    void aSuccessfulDeploymentReadsLikeOnCachix() throws Exception {
        String system = storePath("nixos-system-web1-24.05");
        try (FakeCachixAgent web1 = agent("web1", OK_SCRIPT); FakeActivateClient activate = activateClient("prod")) {
            Eventually.await("web1 is registered", () -> web1.registration() != null);
            JsonObject first = web1.received.get(0);
            assertEquals("AgentRegistered", first.getJsonObject("command").getString("tag"), "AgentRegistered comes first");
            assertNull(first.getValue("agent"));
            JsonObject registration = web1.registration();
            UUID agentId = UUID.fromString(registration.getString("id"));
            assertEquals(new JsonObject().put("cacheName", "main").put("publicKey", server.cachePublicKeyBase64())
                    .put("isPublic", true), registration.getJsonObject("cache"));

            FakeActivateClient.Outcome outcome = activate.activate(Map.of("web1", system), Map.of("x86_64-linux", ROLLBACK));

            assertEquals(200, outcome.httpStatus());
            assertTrue(outcome.contentType().startsWith("application/json"), outcome.contentType());
            JsonObject created = outcome.response().getJsonObject("agents").getJsonObject("web1");
            String id = created.getString("id");
            assertTrue(created.getString("url").endsWith("/api/v1/deploy/deployment/" + id), created.encode());
            JsonObject deployment = web1.messages("Deployment").get(0);
            assertEquals(agentId.toString(), deployment.getString("agent"));
            assertEquals(new JsonObject().put("id", id).put("index", 1).put("storePath", system)
                    .put("rollbackScript", ROLLBACK), deployment.getJsonObject("command").getJsonObject("contents"));

            FakeActivateClient.AgentOutcome result = outcome.agents().get("web1");
            JsonObject status = result.status();
            assertEquals(0, outcome.exitCode());
            assertEquals("Succeeded", status.getString("status"));
            assertEquals(id, status.getString("id"));
            assertEquals(1, status.getInteger("index"));
            assertEquals(system, status.getString("storePath"));
            assertEquals(123456789L, status.getLong("closureSize"), "the size the agent measured");
            Instant createdOn = Instant.parse(status.getString("createdOn"));
            Instant startedOn = Instant.parse(status.getString("startedOn"));
            Instant finishedOn = Instant.parse(status.getString("finishedOn"));
            assertFalse(finishedOn.isBefore(startedOn));
            assertFalse(startedOn.isBefore(createdOn.minusSeconds(5)));
            assertStatusesOnlyMoveForward(result.polled());

            assertEquals(web1.process(0).loggedLines, result.viewer().lines, "every line, in order, once");
            assertEquals("Successfully activated the deployment.", last(result.viewer().lines));
            assertTrue(result.viewer().lines.contains("activating " + system + " on web1"));
            assertEquals((short) 1000, result.viewer().ended.get(), "the server closed the viewer");

            String second = activate.post("/api/v2/deploy/activate", "{\"agents\":{\"web1\":\"" + system + "\"}}")
                    .bodyAsJsonObject().getJsonObject("agents").getJsonObject("web1").getString("id");
            assertEquals(2, activate.pollUntilFinal(second).get(0).getInteger("index"), "indexes count per agent");
        }
    }

    @Test
    void aFailedActivationIsReportedAsFailed() throws Exception {
        try (FakeCachixAgent web1 = agent("web1", "echo 'switch-to-configuration: unit nginx failed' >&2; exit 3");
             FakeActivateClient activate = activateClient("prod")) {
            Eventually.await("web1 is registered", () -> web1.registration() != null);

            FakeActivateClient.Outcome outcome = activate.activate(Map.of("web1", storePath("nixos-system")), Map.of());

            FakeActivateClient.AgentOutcome result = outcome.agents().get("web1");
            assertEquals(1, outcome.exitCode());
            assertEquals("Failed", result.status().getString("status"));
            assertNotNull(result.status().getString("finishedOn"));
            assertTrue(result.viewer().lines.contains("switch-to-configuration: unit nginx failed"));
            assertTrue(last(result.viewer().lines).startsWith("Failed to activate the deployment."));
            assertEquals((short) 1000, result.viewer().ended.get());
            assertFalse(web1.socket().hasEnded(), "the agent keeps running after a failed deployment");
        }
    }

    @Test
    void anOfflineAgentGetsItsPendingDeploymentWhenItConnects() throws Exception {
        String system = storePath("nixos-system");
        try (FakeActivateClient activate = activateClient("prod")) {
            CompletableFuture<FakeActivateClient.Outcome> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return activate.activate(Map.of("web1", system), Map.of());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Eventually.await("the deployment exists", () -> activate.lastResponse != null);
            String id = activate.lastResponse.getJsonObject("agents").getJsonObject("web1").getString("id");
            JsonObject pending = activate.get("/api/v1/deploy/deployment/" + id).bodyAsJsonObject();
            assertEquals("Pending", pending.getString("status"));
            assertNull(pending.getValue("startedOn"));
            assertNull(pending.getValue("finishedOn"));
            assertNull(pending.getValue("closureSize"), "the closure is not in the cache");

            try (FakeCachixAgent web1 = agent("web1", OK_SCRIPT)) {
                FakeActivateClient.Outcome outcome = running.get(60, TimeUnit.SECONDS);

                assertEquals(0, outcome.exitCode());
                assertEquals("Succeeded", outcome.agents().get("web1").status().getString("status"));
                assertEquals(List.of("AgentRegistered", "Deployment"), web1.received.stream()
                        .map(m -> m.getJsonObject("command").getString("tag")).toList());
            }
        }
    }

    @Test
    void aNewerActivationCancelsAnOlderOneThatHasNotStarted() throws Exception {
        try (FakeActivateClient activate = activateClient("prod")) {
            String older = activate.post("/api/v2/deploy/activate", "{\"agents\":{\"web1\":\"" + storePath("old") + "\"}}")
                    .bodyAsJsonObject().getJsonObject("agents").getJsonObject("web1").getString("id");
            String newerPath = storePath("new");
            String newer = activate.post("/api/v2/deploy/activate", "{\"agents\":{\"web1\":\"" + newerPath + "\"}}")
                    .bodyAsJsonObject().getJsonObject("agents").getJsonObject("web1").getString("id");

            JsonObject cancelled = activate.pollUntilFinal(older).get(0);
            assertEquals("Cancelled", cancelled.getString("status"));
            assertNotNull(cancelled.getString("finishedOn"));

            try (FakeCachixAgent web1 = agent("web1", OK_SCRIPT)) {
                List<JsonObject> polled = activate.pollUntilFinal(newer);
                assertEquals("Succeeded", polled.get(polled.size() - 1).getString("status"));
                assertEquals(2, polled.get(0).getInteger("index"));
                assertEquals(1, web1.messages("Deployment").size(), "only the newest is sent");
                assertEquals(newerPath, web1.messages("Deployment").get(0).getJsonObject("command")
                        .getJsonObject("contents").getString("storePath"));
            }
        }
    }

    @Test
    void twoAgentsInOneActivation() throws Exception {
        String system1 = storePath("nixos-system-web1");
        String system2 = storePath("nixos-system-web2");
        try (FakeCachixAgent web1 = agent("web1", OK_SCRIPT); FakeCachixAgent web2 = agent("web2", OK_SCRIPT);
             FakeActivateClient activate = activateClient("prod")) {
            Eventually.await("both agents are registered", () -> web1.registration() != null && web2.registration() != null);
            assertFalse(web1.registration().getString("id").equals(web2.registration().getString("id")));

            FakeActivateClient.Outcome outcome = activate.activate(Map.of("web1", system1, "web2", system2), Map.of());

            assertEquals(0, outcome.exitCode());
            assertEquals(2, outcome.response().getJsonObject("agents").size());
            for (Map.Entry<String, String> e : Map.of("web1", system1, "web2", system2).entrySet()) {
                FakeActivateClient.AgentOutcome result = outcome.agents().get(e.getKey());
                assertEquals("Succeeded", result.status().getString("status"));
                assertEquals(e.getValue(), result.status().getString("storePath"));
                assertEquals(1, result.status().getInteger("index"));
                assertTrue(result.viewer().lines.contains("activating " + e.getValue() + " on " + e.getKey()),
                        "each viewer reads its own agent's log: " + result.viewer().lines);
            }
            assertFalse(outcome.agents().get("web1").viewer().lines.stream().anyMatch(l -> l.contains(" on web2")));
        }
    }

    @Test
    void badTokensAndUnknownAgentsAreRefusedAndTheServerCarriesOn() throws Exception {
        String wrongKey = new dev.cacheserver.domain.auth.Hs256Tokens("another-key".getBytes())
                .issue(new dev.cacheserver.domain.auth.TokenClaims("web1", dev.cacheserver.domain.auth.Permission.WRITE,
                        null, null));
        try (FakeCachixAgent forged = new FakeCachixAgent(vertx, server.deployPort, "web1", wrongKey, OK_SCRIPT, 1).start();
             FakeCachixAgent ghost = new FakeCachixAgent(vertx, server.deployPort, "ghost", DeployHarness.token("ghost"), OK_SCRIPT, 1).start();
             FakeCachixAgent impostor = new FakeCachixAgent(vertx, server.deployPort, "web2", DeployHarness.token("web1"), OK_SCRIPT, 1).start();
             FakeCachixAgent workspaceAsAgent = new FakeCachixAgent(vertx, server.deployPort, "prod", DeployHarness.token("prod"), OK_SCRIPT, 1).start()) {
            for (FakeCachixAgent refused : List.of(forged, ghost, impostor, workspaceAsAgent)) {
                Eventually.await(refused.name + " was refused twice (and retried)", () -> refused.socket().rejections.size() >= 2);
                assertEquals(List.of(401, 401), refused.socket().rejections.subList(0, 2));
                assertNull(refused.registration());
            }
        }
        try (FakeActivateClient anonymous = new FakeActivateClient(vertx, server.deployPort, "", POLL);
             FakeActivateClient agentToken = activateClient("web1");
             FakeActivateClient otherWorkspace = activateClient("lab");
             FakeActivateClient prod = activateClient("prod");
             FakeCachixAgent web1 = agent("web1", OK_SCRIPT)) {
            String body = "{\"agents\":{\"web1\":\"" + storePath("system") + "\"}}";
            assertEquals(401, anonymous.post("/api/v2/deploy/activate", body).statusCode());
            assertEquals(403, agentToken.post("/api/v2/deploy/activate", body).statusCode());
            assertEquals(404, otherWorkspace.post("/api/v2/deploy/activate", body).statusCode());
            assertEquals(400, prod.post("/api/v2/deploy/activate", "{\"agents\":").statusCode());
            assertEquals(400, prod.post("/api/v2/deploy/activate", "{\"agents\":{\"web1\":\"/etc/passwd\"}}").statusCode());
            assertEquals(404, prod.post("/api/v2/deploy/activate", "{\"agents\":{\"ghost\":\"" + storePath("x") + "\"}}")
                    .statusCode());
            assertEquals(0, web1.messages("Deployment").size(), "nothing was created by refused calls");

            Eventually.await("web1 is registered", () -> web1.registration() != null);
            FakeActivateClient.Outcome outcome = prod.activate(Map.of("web1", storePath("system")), Map.of());
            assertEquals(0, outcome.exitCode(), "the server is fine after all that");
            String id = outcome.agents().get("web1").id();

            assertEquals(401, anonymous.get("/api/v1/deploy/deployment/" + id).statusCode());
            assertEquals(404, otherWorkspace.get("/api/v1/deploy/deployment/" + id).statusCode());
            assertEquals(404, prod.get("/api/v1/deploy/deployment/not-a-uuid").statusCode());
            FakeActivateClient.Viewer foreign = otherWorkspace.viewer(id);
            foreign.ended.get(10, TimeUnit.SECONDS);
            assertEquals(404, foreign.rejectedWith);
            FakeActivateClient.Viewer unauthenticated = anonymous.viewer(id);
            unauthenticated.ended.get(10, TimeUnit.SECONDS);
            assertEquals(401, unauthenticated.rejectedWith);
        }
    }

    @Test
    void aDeploymentInProgressSurvivesAServerRestart() throws Exception {
        Path flag = dir.resolve("continue");
        String script = "echo 'before the restart'; while [ ! -f " + flag + " ]; do sleep 0.05; done; echo 'after the restart'";
        try (FakeCachixAgent web1 = agent("web1", script); FakeActivateClient activate = activateClient("prod")) {
            Eventually.await("web1 is registered", () -> web1.registration() != null);
            CompletableFuture<FakeActivateClient.Outcome> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return activate.activate(Map.of("web1", storePath("nixos-system")), Map.of());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Eventually.await("the deployment runs", () -> !web1.processes.isEmpty()
                    && web1.process(0).loggedLines.contains("before the restart") && web1.process(0).log.isFlushed());
            FakeDeploymentProcess process = web1.process(0);
            String id = process.id();
            try (FakeActivateClient watcher = activateClient("prod")) {
                FakeActivateClient.Viewer v = watcher.viewer(id);
                Eventually.await("the server has the first lines", () -> v.lines.contains("before the restart"));
            }
            JsonObject before = activate.get("/api/v1/deploy/deployment/" + id).bodyAsJsonObject();
            assertEquals("InProgress", before.getString("status"));

            server.restart();

            Eventually.await("the agent was told to reconnect", () -> web1.socket().closeCodes.contains((short) 1012));
            assertFalse(web1.socket().hasEnded(), "1012, not 1000: the agent must not exit");
            Eventually.await("the agent is registered again", () -> web1.messages("AgentRegistered").size() == 2);
            Eventually.await("the deployment process reconnected", () -> process.log.connections() >= 2
                    && process.control.connections() >= 2 && process.isConnected());
            assertEquals(1, web1.messages("Deployment").size(), "a deployment in progress is not sent again");
            JsonObject afterRestart = activate.get("/api/v1/deploy/deployment/" + id).bodyAsJsonObject();
            assertEquals("InProgress", afterRestart.getString("status"));
            assertEquals(before.getString("startedOn"), afterRestart.getString("startedOn"));

            Files.writeString(flag, "go");
            FakeActivateClient.Outcome outcome = running.get(60, TimeUnit.SECONDS);

            FakeActivateClient.AgentOutcome result = outcome.agents().get("web1");
            assertEquals(0, outcome.exitCode());
            assertEquals("Succeeded", result.status().getString("status"));
            assertEquals(123456789L, result.status().getLong("closureSize"));
            assertEquals((short) 1012, result.viewer().ended.get(), "the viewer open during the restart was not cut with 1000");
            try (FakeActivateClient late = activateClient("prod")) {
                FakeActivateClient.Viewer replay = late.viewer(id);
                assertEquals((short) 1000, replay.ended.get(10, TimeUnit.SECONDS));
                assertEquals(process.loggedLines, replay.lines, "the whole log, from before and after the restart");
            }
        }
    }

    @Test
    void theClosureSizeComesFromTheCachesNarinfosWhenItHoldsTheClosure() throws Exception {
        byte[] depNar = TestNars.regularFile("a library".getBytes());
        String dep = push(depNar, List.of());
        byte[] systemNar = TestNars.regularFile("a system that needs the library".getBytes());
        String system = push(systemNar, List.of(dep));

        try (FakeActivateClient activate = activateClient("prod")) {
            // The v1 form (clients before 1.2) answers with the status URL per agent.
            var v1 = activate.post("/api/v1/deploy/activate", "{\"agents\":{\"web1\":\"/nix/store/" + system + "\"}}");
            assertEquals(200, v1.statusCode(), v1.bodyAsString());
            String url = v1.bodyAsJsonObject().getJsonObject("agents").getString("web1");
            String id = url.substring(url.lastIndexOf('/') + 1);
            assertEquals(url, "http://127.0.0.1:" + server.deployPort + "/api/v1/deploy/deployment/" + id);

            JsonObject status = activate.get("/api/v1/deploy/deployment/" + id).bodyAsJsonObject();
            assertEquals("Pending", status.getString("status"));
            assertEquals((long) depNar.length + systemNar.length, status.getLong("closureSize"));
        }
    }

    /** Uploads a NAR and its narinfo to cache main as Nix does; returns the path's base name. */
    String push(byte[] nar, List<String> references) throws Exception {
        String baseName = storePath("pkg").substring("/nix/store/".length());
        String hash = baseName.substring(0, 32);
        byte[] file = TestNars.zstd(nar);
        String info = TestNars.narInfo(hash, "pkg", nar, file, "zstd", ".nar.zst")
                .replace("References: \n", "References: " + String.join(" ", references) + "\n");
        String url = info.lines().filter(l -> l.startsWith("URL: ")).findFirst().orElseThrow().substring(5);
        io.vertx.ext.web.client.WebClient web = io.vertx.ext.web.client.WebClient.create(vertx);
        try {
            for (String[] put : List.of(new String[] {url, null}, new String[] {hash + ".narinfo", info})) {
                io.vertx.core.buffer.Buffer body = put[1] == null ? io.vertx.core.buffer.Buffer.buffer(file)
                        : io.vertx.core.buffer.Buffer.buffer(put[1]);
                var response = web.putAbs(server.cacheUrl() + "/" + put[0])
                        .putHeader("Authorization", "Bearer " + DeployHarness.token("main"))
                        .sendBuffer(body).await(30, TimeUnit.SECONDS);
                assertEquals(200, response.statusCode(), response.bodyAsString());
            }
        } finally {
            web.close();
        }
        return baseName;
    }

    static void assertStatusesOnlyMoveForward(List<JsonObject> polled) {
        List<String> order = List.of("Pending", "InProgress", "Succeeded");
        int last = 0;
        for (JsonObject doc : polled) {
            int at = order.indexOf(doc.getString("status"));
            assertTrue(at >= last, "status went backwards: " + polled);
            last = at;
        }
    }

    static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }
}
