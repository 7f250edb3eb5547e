package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.signing.PublicSigningKey;
import java.util.Objects;

/** The cache a workspace deploys from, as agents are told in AgentRegistered: name, public key, visibility. */
public record WorkspaceCache(CacheName name, PublicSigningKey publicKey, boolean isPublic) {
    public WorkspaceCache {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(publicKey, "publicKey");
    }
}
