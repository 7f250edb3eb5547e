package dev.cacheserver.bootstrap.e2e;

import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Tokens signed with the test server's key, made the way the token command makes them. */
final class Tokens {
    private static final Hs256Tokens TOKENS = new Hs256Tokens(TestServer.KEY.getBytes(StandardCharsets.UTF_8));

    private Tokens() {
    }

    static String write(String cache) {
        return TOKENS.issue(new TokenClaims(cache, Permission.WRITE, null, null));
    }

    static String read(String cache) {
        return TOKENS.issue(new TokenClaims(cache, Permission.READ, null, "r1"));
    }

    static String admin() {
        return TOKENS.issue(new TokenClaims("*", Permission.ADMIN, null, "a1"));
    }

    static String expired(String cache) {
        return TOKENS.issue(new TokenClaims(cache, Permission.WRITE, Instant.now().minusSeconds(10), "x1"));
    }
}
