package dev.cacheserver.domain.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How long a path is kept after it was last accessed (read or pushed again). An empty window keeps paths
 * forever: a retention of {@code 0} means "forever", never "already expired".
 */
public record RetentionPolicy(Optional<Duration> window) {
    public static final RetentionPolicy FOREVER = new RetentionPolicy(Optional.empty());

    public RetentionPolicy {
        Objects.requireNonNull(window, "window");
        if (window.isPresent() && (window.get().isNegative() || window.get().isZero())) {
            window = Optional.empty();
        }
    }

    public static RetentionPolicy of(Duration window) {
        return new RetentionPolicy(Optional.ofNullable(window));
    }

    public boolean keepsForever() {
        return window.isEmpty();
    }

    /** True when a path last accessed at {@code lastAccess} has outlived the window at {@code now}. */
    public boolean isExpired(Instant lastAccess, Instant now) {
        return window.isPresent() && !lastAccess.plus(window.get()).isAfter(now);
    }

    /** Paths last accessed before this instant are expired; empty when paths are kept forever. */
    public Optional<Instant> cutoff(Instant now) {
        return window.map(now::minus);
    }
}
