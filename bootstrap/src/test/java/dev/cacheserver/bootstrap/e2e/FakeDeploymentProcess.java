package dev.cacheserver.bootstrap.e2e;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * What {@code .cachix-deployment} does for one deployment: opens {@code /api/v1/deploy/log/{id}} and
 * {@code /ws-deployment} with the agent's headers, sends DeploymentStarted without a closure size, logs the
 * {@code nix-store -r} command, sends DeploymentStarted again with the closure size, runs the activation (here a
 * shell script whose output lines are logged), logs the final line and sends DeploymentFinished.
 */
final class FakeDeploymentProcess {
    private final FakeCachixAgent agent;
    private final JsonObject registration;
    private final JsonObject details;
    private final String script;
    private final long closureSize;
    final ReconnectingSocket log;
    final ReconnectingSocket control;
    final List<String> loggedLines = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean done;
    private volatile int exitCode = -1;

    FakeDeploymentProcess(Vertx vertx, WebSocketClient client, FakeCachixAgent agent, JsonObject registration,
                          JsonObject details, String script, long closureSize) {
        this.agent = agent;
        this.registration = registration;
        this.details = details;
        this.script = script;
        this.closureSize = closureSize;
        this.log = new ReconnectingSocket(vertx, client, () -> agent.options("/api/v1/deploy/log/" + id()), f -> { });
        this.control = new ReconnectingSocket(vertx, client, () -> agent.options("/ws-deployment"), f -> { });
    }

    String id() {
        return details.getString("id");
    }

    void start() {
        log.start();
        control.start();
        Thread thread = new Thread(this::run, "fake-deployment-" + id());
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            control.send(agentCommand(new JsonObject().put("tag", "DeploymentStarted").put("id", id())
                    .put("time", Instant.now().toString()).put("closureSize", null)));
            JsonObject cache = registration.getJsonObject("cache");
            logLine("$ nix-store -r " + details.getString("storePath") + " --option extra-substituters http://"
                    + cache.getString("cacheName") + ".127.0.0.1 --option narinfo-cache-negative-ttl 0");
            control.send(agentCommand(new JsonObject().put("tag", "DeploymentStarted").put("id", id())
                    .put("time", Instant.now().toString()).put("closureSize", closureSize)));
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true);
            pb.environment().put("AGENT", agent.name);
            pb.environment().put("STORE_PATH", details.getString("storePath"));
            Process p = pb.start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    logLine(line);
                }
            }
            exitCode = p.waitFor();
        } catch (Exception e) {
            exitCode = 255;
        }
        boolean ok = exitCode == 0;
        logLine(ok ? "Successfully activated the deployment."
                : "Failed to activate the deployment. The activation script exited with code " + exitCode + ".");
        control.send(agentCommand(new JsonObject().put("tag", "DeploymentFinished").put("id", id())
                .put("time", Instant.now().toString()).put("hasSucceeded", ok)));
        Eventually.await("the deployment process has sent everything", () -> log.isFlushed() && control.isFlushed());
        done = true;
        log.close();
        control.close();
    }

    private void logLine(String line) {
        loggedLines.add(line);
        log.send(new JsonObject().put("line", line).put("time", Instant.now().toString()).encode());
    }

    private String agentCommand(JsonObject command) {
        return new JsonObject().put("method", command.getString("tag")).put("command", command)
                .put("agent", registration.getString("id")).put("id", UUID.randomUUID().toString()).encode();
    }

    boolean isDone() {
        return done;
    }

    int exitCode() {
        return exitCode;
    }

    boolean isConnected() {
        return log.isConnected() && control.isConnected();
    }

    void close() {
        log.close();
        control.close();
    }
}
