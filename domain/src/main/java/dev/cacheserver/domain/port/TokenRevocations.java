package dev.cacheserver.domain.port;

import dev.cacheserver.domain.auth.IssuedToken;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The record of issued token ids and of revoked ones. A token whose {@code jti} is revoked is refused even
 * though its signature and expiry are fine. Tokens without an id (the original's {@code {"name": cache}}
 * tokens) cannot be revoked one by one: changing {@code server.key} revokes them all. Non-blocking; durable
 * when a stage completes. Failures are {@link dev.cacheserver.domain.error.StorageException}.
 */
public interface TokenRevocations {

    /** Records a newly issued token (not revoked); recording the same id again changes nothing. */
    CompletionStage<Void> recordIssued(IssuedToken token);

    /**
     * Revokes {@code tokenId} at {@code at}, recording it even if it was never issued here. True when it was
     * not revoked before.
     */
    CompletionStage<Boolean> revoke(String tokenId, Instant at);

    /** Every revoked id, for the in-memory check on each request. */
    CompletionStage<Set<String>> revokedIds();

    /** Every recorded token, oldest first. */
    CompletionStage<List<IssuedToken>> list();
}
