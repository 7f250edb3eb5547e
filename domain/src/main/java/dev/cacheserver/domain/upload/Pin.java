package dev.cacheserver.domain.upload;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePath;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A named pin of a store path in a cache ({@code cachix pin}): retention must keep the path while the pin says
 * so. {@code artifacts} are paths inside the store path, as the client gave them.
 */
public record Pin(CacheName cache, String name, StorePath storePath, List<String> artifacts, Keep keep,
                  Instant createdAt) {
    public Pin {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(storePath, "storePath");
        Objects.requireNonNull(keep, "keep");
        Objects.requireNonNull(createdAt, "createdAt");
        artifacts = List.copyOf(artifacts);
    }

    /** How long a pin keeps its path: the client's {@code --keep-*} flag, or NONE when none was given. */
    public record Keep(Kind kind, long amount) {
        public enum Kind { NONE, DAYS, REVISIONS, FOREVER }

        public Keep {
            Objects.requireNonNull(kind, "kind");
            if (amount < 0) {
                throw new IllegalArgumentException("amount must not be negative");
            }
        }
    }
}
