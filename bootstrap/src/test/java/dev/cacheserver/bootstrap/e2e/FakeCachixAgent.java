package dev.cacheserver.bootstrap.e2e;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Behaves like {@code cachix deploy agent NAME} 1.11.1 against {@code ws://127.0.0.1:<deploy-port>}: connects to
 * {@code /ws} with the headers {@code Authorization: Bearer}, {@code name}, {@code version} and {@code system},
 * reconnects one second after anything but a close with 1000 (which makes it exit), ignores Deployment until it
 * has an AgentRegistered, and runs each deployment as a separate {@link FakeDeploymentProcess} unless one is
 * still running (the real agent's lock: the new one is dropped silently).
 */
final class FakeCachixAgent implements AutoCloseable {
    static final String VERSION = "1.11.1";
    final String name;
    final String system;
    private final Vertx vertx;
    private final WebSocketClient client;
    private final int port;
    private final String token;
    private final String script;
    private final long reportedClosureSize;
    final List<JsonObject> received = Collections.synchronizedList(new ArrayList<>());
    final List<FakeDeploymentProcess> processes = Collections.synchronizedList(new ArrayList<>());
    private final ReconnectingSocket socket;
    private volatile JsonObject registration;

    /** {@code script} is the fake activation, run with {@code sh -c}; its output lines become log lines. */
    FakeCachixAgent(Vertx vertx, int port, String name, String token, String script, long reportedClosureSize) {
        this.vertx = vertx;
        this.client = vertx.createWebSocketClient();
        this.port = port;
        this.name = name;
        this.token = token;
        this.system = "x86_64-linux";
        this.script = script;
        this.reportedClosureSize = reportedClosureSize;
        this.socket = new ReconnectingSocket(vertx, client, () -> options("/ws"), this::onMessage);
    }

    FakeCachixAgent start() {
        socket.start();
        return this;
    }

    WebSocketConnectOptions options(String uri) {
        return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri)
                .addHeader("Authorization", "Bearer " + token)
                .addHeader("name", name)
                .addHeader("version", VERSION)
                .addHeader("system", system);
    }

    private void onMessage(String frame) {
        JsonObject message = new JsonObject(frame);
        received.add(message);
        JsonObject command = message.getJsonObject("command");
        switch (command.getString("tag")) {
            case "AgentRegistered" -> registration = command.getJsonObject("contents");
            case "Deployment" -> {
                if (registration == null || isRunning()) {
                    return;
                }
                FakeDeploymentProcess process = new FakeDeploymentProcess(vertx, client, this,
                        registration, command.getJsonObject("contents"), script, reportedClosureSize);
                processes.add(process);
                process.start();
            }
            default -> {
            }
        }
    }

    private boolean isRunning() {
        synchronized (processes) {
            return processes.stream().anyMatch(p -> !p.isDone());
        }
    }

    JsonObject registration() {
        return registration;
    }

    List<JsonObject> messages(String tag) {
        synchronized (received) {
            return received.stream().filter(m -> tag.equals(m.getJsonObject("command").getString("tag"))).toList();
        }
    }

    FakeDeploymentProcess process(int i) {
        return processes.get(i);
    }

    ReconnectingSocket socket() {
        return socket;
    }

    @Override
    public void close() {
        socket.close();
        synchronized (processes) {
            processes.forEach(FakeDeploymentProcess::close);
        }
        client.close();
    }
}
