package dev.cacheserver.adapters.http.deploy;

import dev.cacheserver.application.port.in.ActivateRequest;
import dev.cacheserver.application.port.in.AgentInformation;
import dev.cacheserver.domain.deploy.Deployment;
import dev.cacheserver.domain.deploy.LogLine;
import dev.cacheserver.domain.error.InvalidInputException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Cachix Deploy wire format (cachix-api {@code WebSocketSubprotocol}, {@code Types/Deploy*}): aeson's
 * generic encoding, where a command with a non-record payload carries it under {@code contents} and a record
 * command has its fields next to {@code tag}. Every {@code Maybe} field is written, as null when empty.
 */
final class DeployJson {
    private static final Pattern UTC_TIME = Pattern.compile("(.*T\\d{2}:\\d{2}:\\d{2})(?:\\.(\\d+))?(Z|[+-]\\d{2}:?\\d{2})");

    private DeployJson() {
    }

    static String agentRegistered(AgentInformation info) {
        JsonObject cache = info.cache().map(c -> new JsonObject()
                .put("cacheName", c.name().value())
                .put("publicKey", Base64.getEncoder().encodeToString(c.publicKey().raw()))
                .put("isPublic", c.isPublic())).orElse(null);
        JsonObject contents = new JsonObject().put("id", info.id().toString()).put("cache", cache);
        return envelope("AgentRegistered", null, new JsonObject().put("tag", "AgentRegistered").put("contents", contents));
    }

    static String deployment(UUID agentId, Deployment d, Optional<String> rollbackScript) {
        JsonObject contents = new JsonObject()
                .put("id", d.id().toString())
                .put("index", d.index())
                .put("storePath", d.storePath().fullPath())
                .put("rollbackScript", rollbackScript.orElse(null));
        return envelope("Deployment", agentId, new JsonObject().put("tag", "Deployment").put("contents", contents));
    }

    private static String envelope(String method, UUID agent, JsonObject command) {
        return new JsonObject()
                .put("method", method)
                .put("command", command)
                .put("agent", agent == null ? null : agent.toString())
                .put("id", UUID.randomUUID().toString())
                .encode();
    }

    /** A DeploymentStarted or DeploymentFinished from a deployment process. */
    sealed interface AgentCommand permits Started, Finished {
        UUID id();
    }

    record Started(UUID id, Optional<Instant> time, OptionalLong closureSize) implements AgentCommand {
    }

    record Finished(UUID id, Optional<Instant> time, boolean hasSucceeded) implements AgentCommand {
    }

    /** Parses one frame from {@code /ws-deployment}; empty for anything else (dropped, like the client does). */
    static Optional<AgentCommand> agentCommand(String frame) {
        try {
            JsonObject command = new JsonObject(frame).getJsonObject("command");
            if (command == null) {
                return Optional.empty();
            }
            UUID id = UUID.fromString(command.getString("id"));
            Optional<Instant> time = Optional.ofNullable(command.getString("time")).flatMap(DeployJson::utcTime);
            switch (String.valueOf(command.getString("tag"))) {
                case "DeploymentStarted" -> {
                    Number size = (Number) command.getValue("closureSize");
                    return Optional.of(new Started(id, time,
                            size == null ? OptionalLong.empty() : OptionalLong.of(size.longValue())));
                }
                case "DeploymentFinished" -> {
                    return Optional.of(new Finished(id, time, Boolean.TRUE.equals(command.getBoolean("hasSucceeded"))));
                }
                default -> {
                    return Optional.empty();
                }
            }
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    static String logLine(LogLine line) {
        return new JsonObject().put("line", line.line()).put("time", line.time().toString()).encode();
    }

    /** A log frame from a deployment process; its time if given and valid, else {@code now}. */
    static Optional<LogLine> logLine(String frame, Instant now) {
        try {
            JsonObject json = new JsonObject(frame);
            String line = json.getString("line");
            if (line == null) {
                return Optional.empty();
            }
            Instant time = Optional.ofNullable(json.getString("time")).flatMap(DeployJson::utcTime).orElse(now);
            return Optional.of(new LogLine(line, time));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** aeson's UTCTime: ISO-8601 with up to 12 fractional digits (more than Instant.parse takes). */
    static Optional<Instant> utcTime(String text) {
        Matcher m = UTC_TIME.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        String fraction = m.group(2) == null ? "" : "." + (m.group(2).length() > 9 ? m.group(2).substring(0, 9) : m.group(2));
        try {
            return Optional.of(OffsetDateTime.parse(m.group(1) + fraction + m.group(3)).toInstant());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The deployment status document ({@code GET /api/v1/deploy/deployment/{id}}). */
    static JsonObject status(Deployment d) {
        return new JsonObject()
                .put("id", d.id().toString())
                .put("index", d.index())
                .put("createdOn", d.createdOn().toString())
                .put("startedOn", d.started().map(Instant::toString).orElse(null))
                .put("finishedOn", d.finished().map(Instant::toString).orElse(null))
                .put("storePath", d.storePath().fullPath())
                .put("closureSize", d.closureSize())
                .put("status", d.status().wireName());
    }

    /** The body of {@code POST /api/v{1,2}/deploy/activate}: {@code {"agents": {...}, "rollbackScript": {...}}}. */
    static ActivateRequest activateRequest(String body) {
        JsonObject json;
        try {
            json = new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            throw new InvalidInputException("the activate request is not a JSON object");
        }
        return new ActivateRequest(strings(json, "agents"), strings(json, "rollbackScript"));
    }

    private static Map<String, String> strings(JsonObject json, String field) {
        Object value = json.getValue(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (value == null) {
            return out;
        }
        if (!(value instanceof JsonObject object)) {
            throw new InvalidInputException(field + " must be an object of strings");
        }
        for (Map.Entry<String, Object> e : object) {
            if (!(e.getValue() instanceof String s)) {
                throw new InvalidInputException(field + "." + e.getKey() + " must be a string");
            }
            out.put(e.getKey(), s);
        }
        return out;
    }
}
