package dev.cacheserver.application.access;

import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.CheckAdminAccess;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import dev.cacheserver.domain.error.AuthenticationException;
import dev.cacheserver.domain.error.PermissionDeniedException;
import java.time.Clock;
import java.util.Optional;

/**
 * Decides whether a request may read or write a cache. Reads of public caches need nothing; everything else
 * needs a valid token whose subject is the cache (the original's {@code {"name": cache}} tokens grant write)
 * or an admin token whose subject is {@code *}. Throws AuthenticationException (no or bad token: 401) or
 * PermissionDeniedException (valid token, not enough rights: 403). A token whose id is on the
 * {@link RevocationList} is refused like an invalid one.
 */
public final class AccessPolicy implements CheckAdminAccess {
    public static final String ANY_CACHE = "*";
    private final Hs256Tokens tokens;
    private final Clock clock;
    private final RevocationList revocations;

    public AccessPolicy(Hs256Tokens tokens, Clock clock) {
        this(tokens, clock, new RevocationList());
    }

    /** Tokens whose id is in {@code revocations} are refused like invalid ones (401). */
    public AccessPolicy(Hs256Tokens tokens, Clock clock, RevocationList revocations) {
        this.tokens = tokens;
        this.clock = clock;
        this.revocations = revocations;
    }

    /**
     * Reads of a public cache need no token, but a token that is present must be valid (the Cachix API: present
     * and invalid is always 401).
     */
    public void check(CacheProfile cache, Permission needed, Optional<String> token) {
        if (needed == Permission.READ && cache.isPublic()) {
            rejectInvalid(token);
            return;
        }
        TokenClaims claims = verify(token.orElseThrow(
                () -> new AuthenticationException("this request needs a token")));
        boolean sameCache = claims.subject().equals(cache.name().value());
        boolean admin = claims.subject().equals(ANY_CACHE) && claims.permission() == Permission.ADMIN;
        if (!sameCache && !admin) {
            throw new PermissionDeniedException("the token is not valid for cache " + cache.name());
        }
        if (!claims.permission().allows(needed)) {
            throw new PermissionDeniedException("the token allows " + claims.permission().name().toLowerCase()
                    + " access, this request needs " + needed.name().toLowerCase());
        }
    }

    /**
     * What {@code token} may do on {@code cache}: READ for anyone on a public cache, otherwise the token's
     * permission when it is valid for this cache. A token that is present but invalid (bad signature,
     * expired, revoked) fails with AuthenticationException even on a public cache; a private cache without a
     * token valid for it fails with PermissionDeniedException (AuthenticationException without a token).
     */
    public Permission permissionOn(CacheProfile cache, Optional<String> token) {
        if (token.isEmpty()) {
            if (cache.isPublic()) {
                return Permission.READ;
            }
            throw new AuthenticationException("cache " + cache.name() + " is private: this request needs a token");
        }
        TokenClaims claims = verify(token.get());
        boolean sameCache = claims.subject().equals(cache.name().value());
        boolean admin = claims.subject().equals(ANY_CACHE) && claims.permission() == Permission.ADMIN;
        if (sameCache || admin) {
            return claims.permission();
        }
        if (cache.isPublic()) {
            return Permission.READ;
        }
        throw new PermissionDeniedException("the token is not valid for cache " + cache.name());
    }

    /**
     * Fails with AuthenticationException (401) when {@code token} is present but invalid (bad signature, expired,
     * revoked); what it may do is not checked. Lets a server refuse a bad token before it reads a request body.
     */
    public void rejectInvalid(Optional<String> token) {
        token.ifPresent(this::verify);
    }

    /** Requires a valid server-wide admin token (subject {@code *}, permission admin), e.g. for the DHT status. */
    public void checkAdmin(Optional<String> token) {
        TokenClaims claims = verify(token.orElseThrow(() -> new AuthenticationException("this request needs a token")));
        if (!claims.subject().equals(ANY_CACHE) || claims.permission() != Permission.ADMIN) {
            throw new PermissionDeniedException("this request needs an admin token (cache-server token --admin)");
        }
    }

    @Override
    public void requireAdmin(Caller caller) {
        checkAdmin(caller.token());
    }

    private TokenClaims verify(String token) {
        TokenClaims claims = tokens.verify(token, clock.instant());
        if (claims.tokenId().map(revocations::isRevoked).orElse(false)) {
            throw new AuthenticationException("token has been revoked");
        }
        return claims;
    }

    /** Issues a token for {@code subject}; for the token command, never logged. */
    public String issue(TokenClaims claims) {
        return tokens.issue(claims);
    }
}
