package dev.cacheserver.application.port.in;

import java.util.Objects;
import java.util.Optional;

/**
 * Who asks: the bearer token a request presented, if any, exactly as the client sent it (from
 * {@code Authorization: Bearer}, HTTP Basic, or a Cachix part URL). Adapters only extract it; whether it is valid and
 * what it allows is decided by the use case the command goes to.
 */
public record Caller(Optional<String> token) {
    private static final Caller ANONYMOUS = new Caller(Optional.empty());

    public Caller {
        Objects.requireNonNull(token, "token");
    }

    /** A caller that presented no token. */
    public static Caller anonymous() {
        return ANONYMOUS;
    }

    /** A caller that presented {@code token} (empty or null: anonymous). */
    public static Caller withToken(String token) {
        return token == null || token.isEmpty() ? ANONYMOUS : new Caller(Optional.of(token));
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return token.isPresent() ? "Caller[token]" : "Caller[anonymous]";
    }
}
