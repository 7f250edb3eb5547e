package dev.cacheserver.application.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.access.RevocationList;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import dev.cacheserver.domain.error.AuthenticationException;
import dev.cacheserver.domain.error.PermissionDeniedException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeployAccessTest {
    private static final Instant NOW = Instant.parse("2026-07-01T10:00:00Z");
    private final Hs256Tokens tokens = new Hs256Tokens("k".getBytes(StandardCharsets.UTF_8));
    private final RevocationList revocations = new RevocationList();
    private final DeployAccess access = new DeployAccess(tokens, Clock.fixed(NOW, ZoneOffset.UTC),
            new DeployTopology(Map.of("web1", "prod"), Map.of("prod", Optional.empty())), revocations);

    private Optional<String> token(String subject, Permission permission, Instant expiry, String id) {
        return Optional.of(tokens.issue(new TokenClaims(subject, permission, expiry, id)));
    }

    @Test
    void theOriginalsAgentTokenConnectsOnlyThatAgent() {
        assertEquals("web1", access.agent(token("web1", Permission.WRITE, null, null), "web1"));
        assertThrows(AuthenticationException.class, () -> access.agent(token("web1", Permission.WRITE, null, null), "web2"));
        assertThrows(AuthenticationException.class, () -> access.agent(token("prod", Permission.WRITE, null, null), "prod"));
        assertThrows(AuthenticationException.class, () -> access.agent(Optional.empty(), "web1"));
        assertThrows(AuthenticationException.class, () -> access.agent(token("web1", Permission.READ, null, "r"), "web1"));
    }

    @Test
    void workspaceTokensAreScopedAndAdminTokensSeeEverything() {
        assertTrue(access.workspace(token("prod", Permission.WRITE, null, null), Permission.WRITE).covers("prod"));
        assertTrue(access.workspace(token("prod", Permission.READ, null, "r"), Permission.READ).covers("prod"));
        assertThrows(PermissionDeniedException.class,
                () -> access.workspace(token("prod", Permission.READ, null, "r"), Permission.WRITE));
        assertThrows(PermissionDeniedException.class,
                () -> access.workspace(token("web1", Permission.WRITE, null, null), Permission.READ));
        assertTrue(access.workspace(token("*", Permission.ADMIN, null, "a"), Permission.WRITE).covers("anything"));
    }

    @Test
    void expiredAndRevokedTokensAreRefused() {
        assertThrows(AuthenticationException.class,
                () -> access.agent(token("web1", Permission.WRITE, NOW.minusSeconds(1), "old"), "web1"));
        Optional<String> revoked = token("web1", Permission.WRITE, NOW.plusSeconds(3600), "gone");
        assertEquals("web1", access.agent(revoked, "web1"));

        revocations.replace(Set.of("gone"));

        assertThrows(AuthenticationException.class, () -> access.agent(revoked, "web1"));
    }
}
