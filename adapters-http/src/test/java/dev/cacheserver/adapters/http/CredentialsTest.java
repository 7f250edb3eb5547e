package dev.cacheserver.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The token of an Authorization header, as Nix (netrc, Basic), cachix (Bearer) and curl send it. */
class CredentialsTest {

    @Test
    void bearerTokens() {
        assertEquals(Optional.of("abc.def"), Credentials.token("Bearer abc.def"));
        assertEquals(Optional.of("abc"), Credentials.token("bearer   abc  "));
        assertEquals(Optional.empty(), Credentials.token("Bearer "));
    }

    @Test
    void basicTakesThePasswordOrTheUserWhenThePasswordIsEmpty() {
        assertEquals(Optional.of("tok"), Credentials.token(basic(":tok")));
        assertEquals(Optional.of("tok"), Credentials.token(basic("anyone:tok")));
        assertEquals(Optional.of("tok"), Credentials.token(basic("tok:")));
        assertEquals(Optional.of("tok"), Credentials.token(basic("tok")));
        assertEquals(Optional.empty(), Credentials.token(basic(":")));
    }

    @Test
    void anythingElseIsNoToken() {
        assertEquals(Optional.empty(), Credentials.token(null));
        assertEquals(Optional.empty(), Credentials.token("tok"));
        assertEquals(Optional.empty(), Credentials.token("Basic %%%not-base64"));
        assertEquals(Optional.empty(), Credentials.token("Digest username=x"));
    }

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }
}
