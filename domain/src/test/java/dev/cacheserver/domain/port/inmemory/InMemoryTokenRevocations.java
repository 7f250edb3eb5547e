package dev.cacheserver.domain.port.inmemory;

import dev.cacheserver.domain.auth.IssuedToken;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.port.TokenRevocations;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/** {@link TokenRevocations} in memory, for unit tests; thread-safe, stages complete immediately. */
public final class InMemoryTokenRevocations implements TokenRevocations {
    private final Map<String, IssuedToken> tokens = new LinkedHashMap<>();

    @Override
    public synchronized CompletionStage<Void> recordIssued(IssuedToken token) {
        tokens.putIfAbsent(token.id(), token);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Boolean> revoke(String tokenId, Instant at) {
        IssuedToken known = tokens.get(tokenId);
        if (known == null) {
            tokens.put(tokenId, new IssuedToken(tokenId, "?", Permission.READ, null, at, at));
            return CompletableFuture.completedFuture(true);
        }
        if (known.revokedAt() != null) {
            return CompletableFuture.completedFuture(false);
        }
        tokens.put(tokenId, new IssuedToken(tokenId, known.subject(), known.permission(), known.expiresAt(),
                known.issuedAt(), at));
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public synchronized CompletionStage<Set<String>> revokedIds() {
        return CompletableFuture.completedFuture(tokens.values().stream().filter(t -> t.revokedAt() != null)
                .map(IssuedToken::id).collect(Collectors.toUnmodifiableSet()));
    }

    @Override
    public synchronized CompletionStage<List<IssuedToken>> list() {
        return CompletableFuture.completedFuture(List.copyOf(tokens.values()));
    }
}
