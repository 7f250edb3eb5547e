package dev.cacheserver.domain.retention;

import dev.cacheserver.domain.model.StorePathHash;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/** What garbage collection needs to know about one stored path: its references and when it was last used. */
public record PathUsage(StorePathHash hash, Set<StorePathHash> references, Instant lastAccess) {
    public PathUsage {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(lastAccess, "lastAccess");
        references = Set.copyOf(references);
    }
}
