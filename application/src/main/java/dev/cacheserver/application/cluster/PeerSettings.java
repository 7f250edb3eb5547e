package dev.cacheserver.application.cluster;

import java.time.Duration;
import java.util.Objects;

/**
 * How a cache falls back to peers on a miss: {@code negativeTtl} is how long "no peer has it" is remembered,
 * {@code positiveTtl} how long a verified peer narinfo (and where its NAR is) is remembered, {@code maxCandidates}
 * how many providers are tried per miss, {@code pullThrough} whether a NAR streamed from a peer is also kept here
 * (and its narinfo published in this cache).
 */
public record PeerSettings(Duration negativeTtl, Duration positiveTtl, int maxCandidates, int maxRemembered,
                           boolean pullThrough) {
    public static final PeerSettings DEFAULTS = new PeerSettings(Duration.ofSeconds(10), Duration.ofMinutes(10), 3,
            10_000, true);

    public PeerSettings {
        Objects.requireNonNull(negativeTtl, "negativeTtl");
        Objects.requireNonNull(positiveTtl, "positiveTtl");
        if (maxCandidates < 1 || maxRemembered < 1) {
            throw new IllegalArgumentException("maxCandidates and maxRemembered must be positive");
        }
    }

    public PeerSettings withPullThrough(boolean enabled) {
        return new PeerSettings(negativeTtl, positiveTtl, maxCandidates, maxRemembered, enabled);
    }
}
