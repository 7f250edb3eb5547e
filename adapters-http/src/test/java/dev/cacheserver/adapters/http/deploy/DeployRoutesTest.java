package dev.cacheserver.adapters.http.deploy;

import static dev.cacheserver.adapters.http.TestHttp.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.adapters.http.TestHttp;
import dev.cacheserver.domain.error.UnavailableException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The deploy REST calls over in-memory use cases: activate (v1 and v2) and the status document. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class DeployRoutesTest {
    private static final String ACTIVATE = "/api/v2/deploy/activate";
    private static final String SPEC = new JsonObject().put("agents", new JsonObject().put("web1", FakeDeployUseCases.PATH))
            .encode();
    private final FakeDeployUseCases fake = new FakeDeployUseCases();
    private WebClient client;
    private int port;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        port = TestHttp.freePort();
        TestHttp.await(vertx.deployVerticle(new DeployVerticle(new DeployApi(fake, fake, fake, fake), "127.0.0.1", port)));
        client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    }

    private static JsonObject error(HttpResponse<Buffer> response, int status) {
        assertEquals(status, response.statusCode(), response.bodyAsString());
        assertEquals("application/json; charset=utf-8", response.getHeader("Content-Type"), "errors as every port writes them");
        return response.bodyAsJsonObject();
    }

    @Test
    void activateV2AnswersEachAgentsDeploymentIdAndStatusUrl() throws Exception {
        HttpResponse<Buffer> response = send(client.post(ACTIVATE).bearerTokenAuthentication("ws-token"), SPEC);

        assertEquals(200, response.statusCode(), response.bodyAsString());
        assertEquals("application/json", response.getHeader("Content-Type"));
        JsonObject web1 = response.bodyAsJsonObject().getJsonObject("agents").getJsonObject("web1");
        assertEquals(FakeDeployUseCases.KNOWN.toString(), web1.getString("id"));
        assertEquals("http://127.0.0.1:" + port + "/api/v1/deploy/deployment/" + FakeDeployUseCases.KNOWN,
                web1.getString("url"));
    }

    @Test
    void activateV1AnswersEachAgentsStatusUrlOnly() throws Exception {
        HttpResponse<Buffer> response = send(client.post("/api/v1/deploy/activate").bearerTokenAuthentication("ws-token"),
                SPEC);
        assertEquals(200, response.statusCode(), response.bodyAsString());
        assertTrue(response.bodyAsJsonObject().getJsonObject("agents").getString("web1")
                .endsWith("/api/v1/deploy/deployment/" + FakeDeployUseCases.KNOWN));
    }

    @Test
    void activateWithoutATokenIs401AndWithAnotherKindOfTokenIs403() throws Exception {
        assertEquals("this request needs a token", error(send(client.post(ACTIVATE), SPEC), 401).getString("error"));
        assertEquals("this is not a workspace token",
                error(send(client.post(ACTIVATE).bearerTokenAuthentication("agent-token"), SPEC), 403).getString("error"));
    }

    @Test
    void aBadSpecIs400AndAnUnknownAgent404() throws Exception {
        assertEquals("the activate request is not a JSON object",
                error(send(client.post(ACTIVATE).bearerTokenAuthentication("ws-token"), "[1]"), 400).getString("error"));
        assertEquals("the deploy spec names no agents",
                error(send(client.post(ACTIVATE).bearerTokenAuthentication("ws-token"), "{}"), 400).getString("error"));
        String unknown = new JsonObject().put("agents", new JsonObject().put("db9", FakeDeployUseCases.PATH)).encode();
        assertEquals("no agent db9 in this workspace",
                error(send(client.post(ACTIVATE).bearerTokenAuthentication("ws-token"), unknown), 404).getString("error"));
    }

    @Test
    void aSpecOverTheBodyLimitIs413() throws Exception {
        String huge = "{\"agents\": {\"web1\": \"" + "x".repeat((int) DeployRoutes.MAX_BODY_BYTES) + "\"}}";
        assertEquals("the body is too large",
                error(send(client.post(ACTIVATE).bearerTokenAuthentication("ws-token"), huge), 413).getString("error"));
    }

    @Test
    void anInternalFailureIs500WithoutItsMessageAndUnavailable503WithRetryAfter() throws Exception {
        fake.failWith(new IllegalStateException("jdbc:sqlite:/secret/deploy.db is locked"));
        String error = error(send(client.post(ACTIVATE).bearerTokenAuthentication("ws-token"), SPEC), 500).getString("error");
        assertTrue(error.startsWith("internal server error (ref "), error);
        assertFalse(error.contains("secret"), error);

        fake.failWith(new UnavailableException("the database is busy"));
        HttpResponse<Buffer> busy = send(client.post(ACTIVATE).bearerTokenAuthentication("ws-token"), SPEC);
        assertEquals("the database is busy", error(busy, 503).getString("error"));
        assertEquals("5", busy.getHeader("Retry-After"));
    }

    @Test
    void theStatusDocumentIsServedToTheWorkspace() throws Exception {
        HttpResponse<Buffer> response = send(client.get("/api/v1/deploy/deployment/" + FakeDeployUseCases.KNOWN)
                .bearerTokenAuthentication("ws-token"));
        assertEquals(200, response.statusCode(), response.bodyAsString());
        assertEquals("application/json", response.getHeader("Content-Type"));
        JsonObject status = response.bodyAsJsonObject();
        assertEquals("Pending", status.getString("status"));
        assertEquals(3L, status.getLong("index"));
        assertEquals(FakeDeployUseCases.PATH, status.getString("storePath"));
        assertEquals(1024L, status.getLong("closureSize"));
    }

    @Test
    void theStatusOfAnUnknownDeploymentIs404AndWithoutATokenIs401() throws Exception {
        error(send(client.get("/api/v1/deploy/deployment/" + java.util.UUID.randomUUID())
                .bearerTokenAuthentication("ws-token")), 404);
        error(send(client.get("/api/v1/deploy/deployment/not-a-uuid").bearerTokenAuthentication("ws-token")), 404);
        assertEquals("this request needs a token",
                error(send(client.get("/api/v1/deploy/deployment/not-a-uuid")), 401).getString("error"));
    }
}
