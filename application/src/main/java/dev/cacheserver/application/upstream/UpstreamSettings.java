package dev.cacheserver.application.upstream;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * How a cache pulls through from its upstreams: {@code upstreams} in priority order; {@code negativeTtl} is how
 * long "no upstream has it" is remembered (at most {@code maxRemembered} paths); {@code backoff} how long an
 * upstream that failed or timed out is skipped; {@code maxLookups} how many narinfo lookups may run at once
 * (more are answered 503 with Retry-After, so a burst of misses cannot pile up requests to the upstreams).
 */
public record UpstreamSettings(List<Upstream> upstreams, Duration negativeTtl, Duration backoff, int maxLookups,
                               int maxRemembered) {
    public static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofMinutes(10);
    public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_LOOKUPS = 64;
    public static final int DEFAULT_MAX_REMEMBERED = 100_000;

    public UpstreamSettings {
        Objects.requireNonNull(negativeTtl, "negativeTtl");
        Objects.requireNonNull(backoff, "backoff");
        upstreams = upstreams.stream().sorted(Comparator.comparingInt(Upstream::priority)).toList();
        if (maxLookups < 1 || maxRemembered < 1) {
            throw new IllegalArgumentException("maxLookups and maxRemembered must be positive");
        }
    }
}
