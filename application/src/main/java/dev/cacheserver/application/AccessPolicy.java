package dev.cacheserver.application;

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
 * PermissionDeniedException (valid token, not enough rights: 403).
 */
public final class AccessPolicy {
    public static final String ANY_CACHE = "*";
    private final Hs256Tokens tokens;
    private final Clock clock;

    public AccessPolicy(Hs256Tokens tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    public void check(CacheProfile cache, Permission needed, Optional<String> token) {
        if (needed == Permission.READ && cache.isPublic()) {
            return;
        }
        TokenClaims claims = tokens.verify(token.orElseThrow(
                () -> new AuthenticationException("this request needs a token")), clock.instant());
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

    /** Issues a token for {@code subject}; for the token command, never logged. */
    public String issue(TokenClaims claims) {
        return tokens.issue(claims);
    }
}
