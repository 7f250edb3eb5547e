package dev.cacheserver.application.deploy;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.access.RevocationList;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import dev.cacheserver.domain.error.AuthenticationException;
import dev.cacheserver.domain.error.PermissionDeniedException;
import java.time.Clock;
import java.util.Optional;

/**
 * Who may do what in Cachix Deploy. Tokens are the server's HS256 JWTs, in the original's format
 * ({@code {"name": <agent or workspace>}} signed with {@code server.key}, so its tokens keep working): an agent
 * token connects that agent (the {@code name} header must match), a workspace token activates the
 * workspace's agents and reads their deployments, an admin token ({@code "*"}, admin) does both for every
 * workspace. Tokens with an id ({@code jti}) are refused once revoked: the {@link RevocationList} is the one the
 * Cachix API's access policy uses, reloaded by the server.
 */
final class DeployAccess {
    private final Hs256Tokens tokens;
    private final Clock clock;
    private final DeployTopology topology;
    private final RevocationList revocations;

    DeployAccess(Hs256Tokens tokens, Clock clock, DeployTopology topology, RevocationList revocations) {
        this.tokens = tokens;
        this.clock = clock;
        this.topology = topology;
        this.revocations = revocations;
    }

    /**
     * The agent name when {@code token} is that agent's token and {@code nameHeader} a configured agent; else
     * AuthenticationException, which the websocket adapter answers by refusing the upgrade with 401.
     */
    public String agent(Optional<String> token, String nameHeader) {
        if (!topology.isAgent(nameHeader)) {
            throw new AuthenticationException("unknown agent");
        }
        TokenClaims claims = verify(token);
        if (!claims.subject().equals(nameHeader) || !claims.permission().allows(Permission.WRITE)) {
            throw new AuthenticationException("the token is not valid for this agent");
        }
        return nameHeader;
    }

    /**
     * What a workspace (or admin) token grants; {@code needed} is WRITE to activate, READ to watch and poll.
     * No or bad token: AuthenticationException (401); a valid token of something else: PermissionDeniedException.
     */
    public WorkspaceGrant workspace(Optional<String> token, Permission needed) {
        TokenClaims claims = verify(token);
        if (claims.subject().equals(AccessPolicy.ANY_CACHE) && claims.permission() == Permission.ADMIN) {
            return WorkspaceGrant.all();
        }
        if (!topology.isWorkspace(claims.subject())) {
            throw new PermissionDeniedException("this is not a workspace token");
        }
        if (!claims.permission().allows(needed)) {
            throw new PermissionDeniedException("the token allows " + claims.permission().name().toLowerCase()
                    + " access, this request needs " + needed.name().toLowerCase());
        }
        return WorkspaceGrant.of(claims.subject());
    }

    private TokenClaims verify(Optional<String> token) {
        TokenClaims claims = tokens.verify(token.orElseThrow(
                () -> new AuthenticationException("this request needs a token")), clock.instant());
        if (claims.tokenId().map(revocations::isRevoked).orElse(false)) {
            throw new AuthenticationException("the token has been revoked");
        }
        return claims;
    }
}
