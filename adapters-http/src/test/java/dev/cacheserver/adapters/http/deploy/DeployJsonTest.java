package dev.cacheserver.adapters.http.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.port.in.AgentInformation;
import dev.cacheserver.domain.error.InvalidInputException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The wire format as cachix 1.11.1 writes and reads it (spec section 5.2). */
class DeployJsonTest {
    @Test
    void timesWithTwelveFractionalDigitsAreRead() {
        assertEquals(Optional.of(Instant.parse("2026-06-30T18:29:48.123456789Z")),
                DeployJson.utcTime("2026-06-30T18:29:48.123456789012Z"));
        assertEquals(Optional.of(Instant.parse("2026-07-01T10:02:03.500Z")), DeployJson.utcTime("2026-07-01T10:02:03.5Z"));
        assertEquals(Optional.of(Instant.parse("2026-07-01T10:00:00Z")), DeployJson.utcTime("2026-07-01T10:00:00Z"));
        assertEquals(Optional.empty(), DeployJson.utcTime("yesterday"));
    }

    @Test
    void deploymentStartedAndFinishedAreRecordCommandsWithInlineFields() {
        UUID id = UUID.randomUUID();
        var started = DeployJson.agentCommand("{\"method\":\"DeploymentStarted\",\"agent\":\"" + UUID.randomUUID()
                + "\",\"id\":\"" + UUID.randomUUID() + "\",\"command\":{\"tag\":\"DeploymentStarted\",\"id\":\"" + id
                + "\",\"time\":\"2026-07-01T10:00:00.123Z\",\"closureSize\":null}}").orElseThrow();
        var finished = DeployJson.agentCommand("{\"command\":{\"tag\":\"DeploymentFinished\",\"id\":\"" + id
                + "\",\"time\":\"2026-07-01T10:02:03.5Z\",\"hasSucceeded\":true}}").orElseThrow();

        assertEquals(new DeployJson.Started(id, Optional.of(Instant.parse("2026-07-01T10:00:00.123Z")),
                OptionalLong.empty()), started);
        assertInstanceOf(DeployJson.Finished.class, finished);
        assertTrue(((DeployJson.Finished) finished).hasSucceeded());
        assertEquals(Optional.empty(), DeployJson.agentCommand("{\"command\":{\"tag\":\"Unknown\"}}"));
        assertEquals(Optional.empty(), DeployJson.agentCommand("not json"));
    }

    @Test
    void agentRegisteredCarriesItsPayloadUnderContentsAndANullCache() {
        UUID agent = UUID.randomUUID();
        JsonObject message = new JsonObject(DeployJson.agentRegistered(new AgentInformation(agent, Optional.empty())));

        assertEquals("AgentRegistered", message.getString("method"));
        assertTrue(message.containsKey("agent") && message.getValue("agent") == null);
        UUID.fromString(message.getString("id"));
        assertEquals(new JsonObject().put("id", agent.toString()).putNull("cache"),
                message.getJsonObject("command").getJsonObject("contents"));
    }

    @Test
    void theActivateRequestMustBeAnObjectOfStrings() {
        assertEquals("/nix/store/x", DeployJson.activateRequest("{\"agents\":{\"a\":\"/nix/store/x\"}}").agents().get("a"));
        assertThrows(InvalidInputException.class, () -> DeployJson.activateRequest("[1]"));
        assertThrows(InvalidInputException.class, () -> DeployJson.activateRequest("{\"agents\":{\"a\":1}}"));
    }
}
