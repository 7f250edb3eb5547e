package dev.cacheserver.application.port.in;

import java.util.Optional;
import java.util.UUID;

/** What AgentRegistered tells an agent: its id and the cache to substitute from (none: no extra substituter). */
public record AgentInformation(UUID id, Optional<WorkspaceCache> cache) {
}
