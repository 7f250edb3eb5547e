package dev.cacheserver.domain.auth;

import dev.cacheserver.domain.error.AuthenticationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HS256 JSON Web Tokens signed with the server key, byte-compatible with the original's PyJWT tokens:
 * {@code issue(new TokenClaims("main", WRITE, null, null))} with key {@code test-key} gives
 * {@code eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJuYW1lIjoibWFpbiJ9.RqtzUpsFA_C2Jwx5OOZ3zHz78mlyz-342TR8jy0Ic-Q}.
 * Verification checks the algorithm, the MAC in constant time and the expiry; revocation is the caller's.
 */
public final class Hs256Tokens {
    private static final String HEADER = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    private static final int MAX_TOKEN_LENGTH = 4096;
    /** Replaced whole by {@link #rekey}, never mutated: a token is checked against one key, old or new. */
    private volatile byte[] key;

    public Hs256Tokens(byte[] key) {
        this.key = checked(key);
    }

    /**
     * From now on issues and accepts tokens of {@code key} only (a configuration reload changed the server key):
     * every token of the old key stops working at once.
     */
    public void rekey(byte[] key) {
        this.key = checked(key);
    }

    private static byte[] checked(byte[] key) {
        if (key == null || key.length == 0) {
            throw new IllegalArgumentException("the token key must not be empty");
        }
        return key.clone();
    }

    public String issue(TokenClaims claims) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("name", claims.subject());
        if (claims.permission() != Permission.WRITE) {
            payload.put("perm", claims.permission().name().toLowerCase());
        }
        claims.expiry().ifPresent(exp -> payload.put("exp", exp.getEpochSecond()));
        claims.tokenId().ifPresent(id -> payload.put("jti", id));
        String signingInput = HEADER + "." + b64(FlatJson.write(payload).getBytes(StandardCharsets.UTF_8));
        return signingInput + "." + b64(mac(signingInput));
    }

    /** Verifies {@code token} at {@code now}; throws {@link AuthenticationException} with a client-safe reason. */
    public TokenClaims verify(String token, Instant now) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw new AuthenticationException("missing or oversized token");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new AuthenticationException("token is not a JWT");
        }
        String signingInput = parts[0] + "." + parts[1];
        byte[] given;
        Map<String, Object> header;
        Map<String, Object> payload;
        try {
            given = Base64.getUrlDecoder().decode(parts[2]);
            header = FlatJson.parse(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
            payload = FlatJson.parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new AuthenticationException("token is malformed");
        }
        if (!"HS256".equals(header.get("alg"))) {
            throw new AuthenticationException("token algorithm must be HS256");
        }
        if (!MessageDigest.isEqual(mac(signingInput), given)) {
            throw new AuthenticationException("token signature is not valid");
        }
        if (!(payload.get("name") instanceof String subject) || subject.isEmpty()) {
            throw new AuthenticationException("token has no name claim");
        }
        Permission permission = Permission.WRITE;
        Object perm = payload.get("perm");
        if (perm != null) {
            try {
                permission = Permission.valueOf(String.valueOf(perm).toUpperCase());
            } catch (IllegalArgumentException e) {
                throw new AuthenticationException("token has an unknown perm claim");
            }
        }
        Instant expires = null;
        Object exp = payload.get("exp");
        if (exp != null) {
            if (!(exp instanceof Number n)) {
                throw new AuthenticationException("token exp claim is not a number");
            }
            try {
                expires = Instant.ofEpochSecond(n.longValue());
            } catch (java.time.DateTimeException e) {
                throw new AuthenticationException("token exp claim is out of range");
            }
        }
        Object jti = payload.get("jti");
        TokenClaims claims = new TokenClaims(subject, permission, expires, jti == null ? null : String.valueOf(jti));
        if (claims.isExpiredAt(now)) {
            throw new AuthenticationException("token has expired");
        }
        return claims;
    }

    private byte[] mac(String input) {
        return HmacSha256.mac(key, input.getBytes(StandardCharsets.US_ASCII));
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
