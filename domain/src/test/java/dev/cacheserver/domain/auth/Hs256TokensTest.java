package dev.cacheserver.domain.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.error.AuthenticationException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class Hs256TokensTest {
    static final String ORIGINAL_MAIN_TOKEN =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJuYW1lIjoibWFpbiJ9.RqtzUpsFA_C2Jwx5OOZ3zHz78mlyz-342TR8jy0Ic-Q";
    final Hs256Tokens tokens = new Hs256Tokens("test-key".getBytes(StandardCharsets.UTF_8));
    final Instant now = Instant.parse("2026-11-26T12:00:00Z");

    @Test
    void issuesTheOriginalServersTokenByteForByte() {
        assertEquals(ORIGINAL_MAIN_TOKEN, tokens.issue(new TokenClaims("main", Permission.WRITE, null, null)));
    }

    @Test
    void acceptsTheOriginalsTokenAsAWriteToken() {
        TokenClaims claims = tokens.verify(ORIGINAL_MAIN_TOKEN, now);
        assertEquals("main", claims.subject());
        assertEquals(Permission.WRITE, claims.permission());
    }

    @Test
    void roundTripsScopesExpiryAndIds() {
        String t = tokens.issue(new TokenClaims("main", Permission.READ, now.plusSeconds(60), "abc"));
        TokenClaims claims = tokens.verify(t, now);
        assertEquals(Permission.READ, claims.permission());
        assertEquals("abc", claims.id());
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> tokens.verify(t, now.plusSeconds(61)));
        assertTrue(e.getMessage().contains("expired"));
    }

    @Test
    void rejectsForgeriesAndOtherAlgorithms() {
        Hs256Tokens other = new Hs256Tokens("another-key".getBytes(StandardCharsets.UTF_8));
        assertThrows(AuthenticationException.class, () -> other.verify(ORIGINAL_MAIN_TOKEN, now));
        String tampered = ORIGINAL_MAIN_TOKEN.replace("eyJuYW1lIjoibWFpbiJ9", "eyJuYW1lIjoib3RoZXIifQ");
        assertThrows(AuthenticationException.class, () -> tokens.verify(tampered, now));
        String none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJuYW1lIjoibWFpbiJ9.";
        assertThrows(AuthenticationException.class, () -> tokens.verify(none, now));
        assertThrows(AuthenticationException.class, () -> tokens.verify("not-a-token", now));
        assertThrows(AuthenticationException.class, () -> tokens.verify("", now));
        assertThrows(AuthenticationException.class, () -> tokens.verify("a.b.c", now));
    }
}
