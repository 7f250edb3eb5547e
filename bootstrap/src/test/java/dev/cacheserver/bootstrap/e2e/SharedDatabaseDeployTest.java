package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.adapters.persistence.postgres.PostgresConnection;
import dev.cacheserver.adapters.persistence.postgres.PostgresTestServer;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cachix Deploy on two replicas sharing one real PostgreSQL database: an agent connected to replica A runs what
 * is activated through replica B, and what it reports through A is what B answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class SharedDatabaseDeployTest {
    private static final Hs256Tokens TOKENS = new Hs256Tokens(TestServer.KEY.getBytes(StandardCharsets.UTF_8));
    private static final String OK_SCRIPT = "echo \"activating $STORE_PATH on $AGENT\"";
    @TempDir
    static Path dir;
    PostgresConnection database;
    TestServer a;
    TestServer b;
    Vertx vertx;

    @BeforeAll
    void start() throws Exception {
        database = PostgresTestServer.shared().newDatabase();
        Path password = Files.writeString(dir.resolve("pg-password"), database.password().orElseThrow() + "\n");
        String server = "  database: postgresql://" + database.user() + "@" + database.host() + ":" + database.port()
                + "/" + database.database() + "\n"
                + "  database-password-file: " + password + "\n";
        String caches = "caches:\n  - name: main\n    port: PORT1\n    storages:\n      - name: disk\n"
                + "        type: local\n        root: " + Files.createDirectories(dir.resolve("nars")) + "\n"
                + "        shared: true\n"
                + "workspaces:\n  - name: prod\n    cache: main\n"
                + "agents:\n  - name: web1\n    workspace: prod\n  - name: web2\n    workspace: prod\n";
        a = TestServer.start(Files.createDirectories(dir.resolve("a")), server, caches, TestServer.freePort());
        b = TestServer.start(Files.createDirectories(dir.resolve("b")), server, caches, TestServer.freePort());
        vertx = Vertx.vertx();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            a.close();
            b.close();
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    static String token(String subject) {
        return TOKENS.issue(new TokenClaims(subject, Permission.WRITE, null, null));
    }

    FakeCachixAgent agent(TestServer replica, String name) {
        return new FakeCachixAgent(vertx, replica.config.server().deployPort(), name, token(name), OK_SCRIPT, 4242L)
                .start();
    }

    FakeActivateClient activateClient(TestServer replica) {
        return new FakeActivateClient(vertx, replica.config.server().deployPort(), token("prod"), Duration.ofMillis(200));
    }

    String activate(FakeActivateClient client, String agent, String storePath) throws Exception {
        var response = client.post("/api/v2/deploy/activate",
                "{\"agents\":{\"" + agent + "\":\"" + storePath + "\"}}");
        assertEquals(200, response.statusCode(), response.bodyAsString());
        return response.bodyAsJsonObject().getJsonObject("agents").getJsonObject(agent).getString("id");
    }

    @Test
    void anAgentOnOneReplicaRunsWhatIsActivatedThroughTheOther() throws Exception {
        String system = DeployE2eTest.storePath("nixos-system-web1");
        try (FakeCachixAgent web1 = agent(a, "web1"); FakeActivateClient throughB = activateClient(b)) {
            Eventually.await("web1 is registered on a", () -> web1.registration() != null);

            FakeActivateClient.Outcome outcome = throughB.activate(Map.of("web1", system), Map.of());

            assertEquals(0, outcome.exitCode(), "what cachix deploy activate through b exits with");
            String id = outcome.response().getJsonObject("agents").getJsonObject("web1").getString("id");
            JsonObject sent = web1.messages("Deployment").get(0).getJsonObject("command").getJsonObject("contents");
            assertEquals(id, sent.getString("id"), "web1 received on a the deployment activated through b");
            assertEquals(system, sent.getString("storePath"));
            FakeActivateClient.AgentOutcome result = outcome.agents().get("web1");
            assertEquals("Succeeded", result.status().getString("status"), "reported through a, read through b");
            assertEquals(4242L, result.status().getLong("closureSize"), "the size the agent reported through a");
            assertEquals(web1.process(0).loggedLines, result.viewer().lines, "b's log viewer: every line, once");
            assertEquals((short) 1000, result.viewer().ended.get(), "b closed its viewer when the deployment ended on a");
        }
    }

    @Test
    void twoAgentsOnTwoReplicasEachGetTheirDeploymentOnce() throws Exception {
        try (FakeCachixAgent web1 = agent(a, "web1"); FakeCachixAgent web2 = agent(b, "web2");
             FakeActivateClient throughA = activateClient(a)) {
            Eventually.await("both agents are registered", () -> web1.registration() != null
                    && web2.registration() != null);
            var response = throughA.post("/api/v2/deploy/activate", "{\"agents\":{\"web1\":\""
                    + DeployE2eTest.storePath("system-1") + "\",\"web2\":\"" + DeployE2eTest.storePath("system-2") + "\"}}");
            assertEquals(200, response.statusCode(), response.bodyAsString());
            JsonObject agents = response.bodyAsJsonObject().getJsonObject("agents");

            for (String agent : List.of("web1", "web2")) {
                List<JsonObject> polled = throughA.pollUntilFinal(agents.getJsonObject(agent).getString("id"));
                assertEquals("Succeeded", polled.get(polled.size() - 1).getString("status"), agent);
            }
            assertEquals(1, web1.processes.size(), "web1 ran one deployment");
            assertEquals(1, web2.processes.size(), "web2 ran one deployment");
            assertTrue(web2.process(0).id().equals(agents.getJsonObject("web2").getString("id")));
        }
    }
}
