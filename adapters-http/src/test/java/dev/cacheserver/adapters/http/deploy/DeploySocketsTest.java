package dev.cacheserver.adapters.http.deploy;

import static dev.cacheserver.adapters.http.TestHttp.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.adapters.http.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The deploy websockets over in-memory use cases: refused upgrades (401/404, 400 for plain HTTP), AgentRegistered
 * then deployments for an agent, reports and log lines reaching the use cases, viewers getting the log, and 1012
 * when the server stops.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class DeploySocketsTest {
    private final FakeDeployUseCases fake = new FakeDeployUseCases();
    private Vertx vertx;
    private WebSocketClient sockets;
    private int port;
    private String deploymentId;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        this.vertx = vertx;
        port = TestHttp.freePort();
        deploymentId = await(vertx.deployVerticle(new DeployVerticle(new DeployApi(fake, fake, fake, fake), "127.0.0.1",
                port)));
        sockets = vertx.createWebSocketClient();
    }

    private WebSocketConnectOptions options(String uri, String token) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri)
                .addHeader("name", "web1").addHeader("system", "x86_64-linux").addHeader("version", "1.7");
        return token == null ? options : options.addHeader("Authorization", "Bearer " + token);
    }

    private int refusal(WebSocketConnectOptions options) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(sockets.connect(options)));
        return assertInstanceOf(UpgradeRejectedException.class, e.getCause()).getStatus();
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened: " + what);
            }
            Thread.sleep(20);
        }
    }

    private WebSocket open(WebSocketConnectOptions options, List<String> received) throws Exception {
        // The handler is set on the event loop as the socket opens: a message the server sends at once is not lost.
        WebSocket ws = await(sockets.connect(options).onSuccess(socket -> socket.textMessageHandler(received::add)));
        return ws;
    }

    @Test
    void anAgentWithoutATokenOrWithAnotherAgentsNameIsRefused401() throws Exception {
        assertEquals(401, refusal(options("/ws", null)));
        assertEquals(401, refusal(options("/ws", "ws-token")));
        assertEquals(401, refusal(options("/ws", "agent-token").putHeader("name", "db9")));
        assertEquals(401, refusal(options("/ws-deployment", null)));
        assertTrue(fake.events.isEmpty(), fake.events.toString());
    }

    @Test
    void aPlainRequestToTheSocketIs400() throws Exception {
        var response = TestHttp.send(WebClient.create(vertx).get(port, "127.0.0.1", "/ws").putHeader("name", "web1")
                .bearerTokenAuthentication("agent-token"));
        assertEquals(400, response.statusCode());
        assertEquals("this is a websocket endpoint", response.bodyAsString());
    }

    @Test
    void anAgentGetsAgentRegisteredThenItsDeployment() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        WebSocket ws = open(options("/ws", "agent-token"), received);

        eventually(() -> received.size() >= 2, "two messages");
        assertEquals("AgentRegistered", new JsonObject(received.get(0)).getString("method"));
        JsonObject deployment = new JsonObject(received.get(1));
        assertEquals("Deployment", deployment.getString("method"));
        assertEquals(FakeDeployUseCases.KNOWN.toString(), deployment.getJsonObject("command").getJsonObject("contents")
                .getString("id"));
        assertTrue(fake.events.contains("connected web1 x86_64-linux"), fake.events.toString());

        await(ws.close());
        eventually(() -> fake.events.contains("disconnected web1"), "the agent is forgotten");
    }

    @Test
    void theDeploymentProcessReportsAndLogsReachTheUseCases() throws Exception {
        WebSocket reports = open(options("/ws-deployment", "agent-token"), new CopyOnWriteArrayList<>());
        reports.writeTextMessage(new JsonObject().put("command", new JsonObject().put("tag", "DeploymentStarted")
                .put("id", FakeDeployUseCases.KNOWN.toString()).put("time", "2026-06-01T12:00:02Z")).encode());
        eventually(() -> fake.events.contains("started " + FakeDeployUseCases.KNOWN), "the start is reported");

        WebSocket log = open(options("/api/v1/deploy/log/" + FakeDeployUseCases.KNOWN, "agent-token"),
                new CopyOnWriteArrayList<>());
        log.writeTextMessage(new JsonObject().put("line", "building...").encode());
        eventually(() -> fake.events.contains("log building..."), "the line is logged");
    }

    @Test
    void aLogSocketForAnotherDeploymentIsRefused404() throws Exception {
        assertEquals(404, refusal(options("/api/v1/deploy/log/" + java.util.UUID.randomUUID(), "agent-token")));
        assertEquals(404, refusal(options("/api/v1/deploy/log/not-a-uuid", "agent-token")));
    }

    @Test
    void aViewerNeedsAWorkspaceTokenAndThenGetsTheLog() throws Exception {
        String uri = "/api/v1/deploy/log/" + FakeDeployUseCases.KNOWN + "?view=true";
        assertEquals(401, refusal(options(uri, null)));
        assertEquals(403, refusal(options(uri, "agent-token")));
        assertFalse(fake.events.stream().anyMatch(e -> e.startsWith("log")));

        List<String> received = new CopyOnWriteArrayList<>();
        open(options(uri, "ws-token"), received);
        eventually(() -> !received.isEmpty(), "the stored line");
        assertEquals("stored line", new JsonObject(received.get(0)).getString("line"));
    }

    @Test
    void stoppingTheServerClosesAgentSocketsWith1012SoAgentsReconnect() throws Exception {
        WebSocket ws = open(options("/ws", "agent-token"), new CopyOnWriteArrayList<>());
        List<Short> closes = new CopyOnWriteArrayList<>();
        ws.closeHandler(v -> closes.add(ws.closeStatusCode()));

        await(vertx.undeploy(deploymentId));
        eventually(() -> !closes.isEmpty(), "the socket is closed");
        assertEquals((short) 1012, closes.get(0));
    }
}
