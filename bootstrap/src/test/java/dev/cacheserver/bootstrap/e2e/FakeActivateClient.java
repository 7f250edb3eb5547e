package dev.cacheserver.bootstrap.e2e;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Behaves like {@code cachix deploy activate deploy.json}: one {@code POST /api/v2/deploy/activate} with
 * {@code Authorization: Bearer <CACHIX_ACTIVATE_TOKEN>} (no retry), then per agent the log viewer
 * ({@code /api/v1/deploy/log/{id}?view=true}, read until the first final line or until the server closes it)
 * and polling of {@code GET /api/v1/deploy/deployment/{id}} until Cancelled, Failed or Succeeded (retrying
 * connection errors, 429 and 5xx). Exit code 0 only if every deployment Succeeded. The real client polls every
 * 2 s; tests pass a shorter interval.
 */
final class FakeActivateClient implements AutoCloseable {
    private final WebClient web;
    private final WebSocketClient sockets;
    private final int port;
    private final String token;
    private final Duration pollInterval;
    /** The last activate response, as soon as it arrives (the client prints it before following the logs). */
    volatile JsonObject lastResponse;

    FakeActivateClient(Vertx vertx, int port, String token, Duration pollInterval) {
        this.web = WebClient.create(vertx, new WebClientOptions().setUserAgent("cachix " + FakeCachixAgent.VERSION));
        this.sockets = vertx.createWebSocketClient();
        this.port = port;
        this.token = token;
        this.pollInterval = pollInterval;
    }

    /** What the user sees: the activate response, and per agent the log and the last status document. */
    record Outcome(int httpStatus, String contentType, JsonObject response, Map<String, AgentOutcome> agents) {
        int exitCode() {
            if (httpStatus != 200) {
                return 1;
            }
            return agents.values().stream().allMatch(a -> "Succeeded".equals(a.status().getString("status"))) ? 0 : 1;
        }
    }

    record AgentOutcome(String id, List<JsonObject> polled, Viewer viewer) {
        JsonObject status() {
            return polled.get(polled.size() - 1);
        }
    }

    HttpResponse<Buffer> post(String path, String body) throws Exception {
        return web.post(port, "127.0.0.1", path)
                .putHeader("Authorization", "Bearer " + token)
                .putHeader("Content-Type", "application/json;charset=utf-8")
                .putHeader("Accept", "application/json;charset=utf-8,application/json")
                .sendBuffer(Buffer.buffer(body)).await(30, TimeUnit.SECONDS);
    }

    HttpResponse<Buffer> get(String path) throws Exception {
        return web.get(port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + token)
                .putHeader("Accept", "application/json;charset=utf-8,application/json")
                .send().await(30, TimeUnit.SECONDS);
    }

    Outcome activate(Map<String, String> agents, Map<String, String> rollbackScripts) throws Exception {
        JsonObject spec = new JsonObject().put("agents", new JsonObject(new LinkedHashMap<>(agents)));
        if (!rollbackScripts.isEmpty()) {
            spec.put("rollbackScript", new JsonObject(new LinkedHashMap<>(rollbackScripts)));
        }
        HttpResponse<Buffer> response = post("/api/v2/deploy/activate", spec.encode());
        String contentType = response.getHeader("Content-Type");
        if (response.statusCode() != 200) {
            return new Outcome(response.statusCode(), contentType, null, Map.of());
        }
        JsonObject body = response.bodyAsJsonObject();
        lastResponse = body;
        Map<String, Viewer> viewers = new LinkedHashMap<>();
        for (String agent : body.getJsonObject("agents").fieldNames()) {
            viewers.put(agent, viewer(body.getJsonObject("agents").getJsonObject(agent).getString("id")));
        }
        Map<String, AgentOutcome> outcomes = new LinkedHashMap<>();
        for (Map.Entry<String, Viewer> e : viewers.entrySet()) {
            String id = body.getJsonObject("agents").getJsonObject(e.getKey()).getString("id");
            outcomes.put(e.getKey(), new AgentOutcome(id, pollUntilFinal(id), e.getValue()));
        }
        // Like the real client: wait for the log threads before printing the summary.
        for (Viewer viewer : viewers.values()) {
            viewer.ended.get(30, TimeUnit.SECONDS);
        }
        return new Outcome(200, contentType, body, outcomes);
    }

    List<JsonObject> pollUntilFinal(String id) throws Exception {
        List<JsonObject> polled = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<Buffer> r = get("/api/v1/deploy/deployment/" + id);
                if (r.statusCode() == 200) {
                    JsonObject doc = r.bodyAsJsonObject();
                    polled.add(doc);
                    String status = doc.getString("status");
                    if (status.equals("Succeeded") || status.equals("Failed") || status.equals("Cancelled")) {
                        return polled;
                    }
                } else if (r.statusCode() != 429 && r.statusCode() < 500) {
                    throw new AssertionError("status poll answered " + r.statusCode() + ": " + r.bodyAsString());
                }
            } catch (AssertionError e) {
                throw e;
            } catch (Exception connectionError) {
                // retried, like retryHttp does
            }
            Thread.sleep(pollInterval.toMillis());
        }
        throw new AssertionError("deployment " + id + " never finished; polled " + polled);
    }

    /** The log viewer of one deployment. */
    static final class Viewer {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        final CompletableFuture<Short> ended = new CompletableFuture<>();
        volatile Integer rejectedWith;
        volatile boolean sawFinalLine;
    }

    Viewer viewer(String id) {
        Viewer viewer = new Viewer();
        sockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                .setURI("/api/v1/deploy/log/" + id + "?view=true").addHeader("Authorization", "Bearer " + token))
                .onSuccess((WebSocket ws) -> {
                    ws.textMessageHandler(frame -> {
                        if (viewer.sawFinalLine) {
                            return;
                        }
                        String line = new JsonObject(frame).getString("line");
                        viewer.lines.add(line);
                        if (line.startsWith("Successfully activated the deployment")
                                || line.startsWith("Failed to activate the deployment")) {
                            viewer.sawFinalLine = true;
                        }
                    });
                    ws.closeHandler(v -> viewer.ended.complete(ws.closeStatusCode()));
                })
                .onFailure(e -> {
                    if (e instanceof io.vertx.core.http.UpgradeRejectedException r) {
                        viewer.rejectedWith = r.getStatus();
                    }
                    viewer.ended.complete(null);
                });
        return viewer;
    }

    @Override
    public void close() {
        web.close();
        sockets.close();
    }
}
