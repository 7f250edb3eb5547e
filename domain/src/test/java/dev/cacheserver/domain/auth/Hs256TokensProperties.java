package dev.cacheserver.domain.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cacheserver.domain.error.AuthenticationException;
import dev.cacheserver.domain.fuzz.Mutations;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The HS256 token parser (every Authorization header reaches it, before any other check) and the JSON reader under
 * it: mutated tokens, and tokens correctly signed over mutated or random payloads (which get past the MAC to the
 * claims), are refused with {@link AuthenticationException} only; issued tokens verify back to their claims.
 */
class Hs256TokensProperties {
    static final byte[] KEY = "test-key".getBytes(StandardCharsets.UTF_8);
    final Hs256Tokens tokens = new Hs256Tokens(KEY);
    final Instant now = Instant.parse("2026-11-26T12:00:00Z");

    @Provide
    Arbitrary<String> tokenTexts() {
        return Mutations.untrusted(300, Hs256TokensTest.ORIGINAL_MAIN_TOKEN,
                tokens.issue(new TokenClaims("main", Permission.ADMIN, now.plusSeconds(60), "id-1")));
    }

    @Property(tries = 1000)
    void mutatedTokensAreRefusedWithAuthenticationErrorsOnly(@ForAll("tokenTexts") String token) {
        verifyOrRefuse(token);
    }

    @Provide
    Arbitrary<String> payloads() {
        return Mutations.untrusted(200, "{\"name\":\"main\"}",
                "{\"name\":\"main\",\"perm\":\"admin\",\"exp\":1795000000,\"jti\":\"abc\"}",
                "{\"name\":\"m\\u00e9\",\"exp\":1.5e300,\"perm\":null,\"x\":[1,{\"y\":\"]\"}]}",
                "{\"name\":\"main\",\"exp\":-9223372036854775808}", "{\"name\":\"main\",\"exp\":99999999999999999}");
    }

    @Property(tries = 1000)
    void signedTokensOverHostilePayloadsAreRefusedWithAuthenticationErrorsOnly(@ForAll("payloads") String payload) {
        verifyOrRefuse(sign("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload));
    }

    @Property(tries = 1000)
    void signedTokensOverHostileHeadersAreRefusedWithAuthenticationErrorsOnly(@ForAll("headers") String header) {
        verifyOrRefuse(sign(header, "{\"name\":\"main\"}"));
    }

    @Provide
    Arbitrary<String> headers() {
        return Mutations.untrusted(100, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"alg\":\"none\"}");
    }

    @Provide
    Arbitrary<TokenClaims> claims() {
        return Combinators.combine(Arbitraries.strings().ofMinLength(1).ofMaxLength(40),
                        Arbitraries.of(Permission.values()),
                        Arbitraries.longs().between(1, 10L * 365 * 24 * 3600).map(now::plusSeconds).injectNull(0.3),
                        Arbitraries.strings().ofMaxLength(40).injectNull(0.3))
                .as(TokenClaims::new);
    }

    @Property(tries = 1000)
    void issuedTokensVerifyToTheirClaims(@ForAll("claims") TokenClaims claims) {
        assertEquals(claims, tokens.verify(tokens.issue(claims), now));
    }

    @Provide
    Arbitrary<String> jsonTexts() {
        return payloads();
    }

    @Property(tries = 1000)
    void flatJsonRefusesWithIllegalArgumentOnly(@ForAll("jsonTexts") String text) {
        try {
            FlatJson.parse(text);
        } catch (IllegalArgumentException expected) {
            // the reader's documented refusal, which the token parser turns into 401
        }
    }

    @Property(tries = 1000)
    void flatJsonRoundTripsStringsAndNumbers(@ForAll("jsonObjects") Map<String, Object> values) {
        assertEquals(values, FlatJson.parse(FlatJson.write(values)));
    }

    @Provide
    Arbitrary<Map<String, Object>> jsonObjects() {
        Arbitrary<Object> values = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(30).map(s -> (Object) s),
                Arbitraries.longs().map(l -> (Object) l));
        return Arbitraries.maps(Arbitraries.strings().ofMaxLength(10), values).ofMaxSize(5).map(LinkedHashMap::new);
    }

    private void verifyOrRefuse(String token) {
        try {
            tokens.verify(token, now);
        } catch (AuthenticationException expected) {
            // the documented refusal: 401
        }
    }

    static String sign(String header, String payload) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
            return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
