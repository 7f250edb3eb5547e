package dev.cacheserver.bootstrap.config;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations written as one or more {@code <whole number><unit>} parts: {@code 90s}, {@code 30m},
 * {@code 12h}, {@code 7d}, {@code 2w}, {@code 1h30m}. Units are lowercase (so {@code m} is always minutes).
 * The result is never negative; a bad input raises {@link IllegalArgumentException} whose message is the problem
 * as shown to the user (phrased to follow the setting's name: "must not be negative"). Public because the
 * command line reads durations ({@code --expires}) with the same syntax.
 */
public final class DurationParser {
    static final String FORMAT = "a duration such as 90s, 30m, 12h, 7d, 2w or 1h30m";

    private static final Pattern PART = Pattern.compile("(\\d+)\\s*([a-zA-Z]+)\\s*");
    private static final Map<String, Duration> UNITS = Map.of(
            "s", Duration.ofSeconds(1), "m", Duration.ofMinutes(1), "h", Duration.ofHours(1),
            "d", Duration.ofDays(1), "w", Duration.ofDays(7));

    private DurationParser() {
    }

    public static Duration parse(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("-")) {
            throw new IllegalArgumentException("must not be negative");
        }
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("must be " + FORMAT);
        }
        Matcher part = PART.matcher(trimmed);
        Duration total = Duration.ZERO;
        int position = 0;
        while (position < trimmed.length()) {
            if (!part.find(position) || part.start() != position) {
                throw new IllegalArgumentException("must be " + FORMAT);
            }
            Duration unit = UNITS.get(part.group(2));
            if (unit == null) {
                throw new IllegalArgumentException("has the unknown unit \"" + part.group(2) + "\"; use s, m, h, d or w");
            }
            try {
                total = total.plus(unit.multipliedBy(Long.parseLong(part.group(1))));
            } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException("is too long");
            }
            position = part.end();
        }
        return total;
    }
}
