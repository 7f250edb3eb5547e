package dev.cacheserver.bootstrap.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses byte sizes: a plain number of bytes ({@code 1024}) or a number with a unit, decimal units being powers
 * of 1000 ({@code B KB MB GB TB}) and binary ones powers of 1024 ({@code KiB MiB GiB TiB}, or {@code K M G T}); units are
 * case-insensitive and a fraction is allowed with a unit ({@code 1.5GiB}, rounded down to whole bytes). A bad
 * input raises {@link IllegalArgumentException} whose message is the problem as shown to the user.
 */
final class SizeParser {
    static final String FORMAT = "a size such as 500GiB, 10MB or 1024 (bytes)";
    static final String UNITS_TEXT = "B, KB, MB, GB, TB (powers of 1000), KiB, MiB, GiB, TiB or K, M, G, T (powers of 1024)";

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)");
    private static final Map<String, Long> UNITS = Map.ofEntries(
            Map.entry("b", 1L),
            Map.entry("kb", 1000L), Map.entry("mb", 1000L * 1000), Map.entry("gb", 1000L * 1000 * 1000),
            Map.entry("tb", 1000L * 1000 * 1000 * 1000),
            Map.entry("kib", 1L << 10), Map.entry("mib", 1L << 20), Map.entry("gib", 1L << 30), Map.entry("tib", 1L << 40),
            // As in du -h, nginx and the "200G": a single letter is binary.
            Map.entry("k", 1L << 10), Map.entry("m", 1L << 20), Map.entry("g", 1L << 30), Map.entry("t", 1L << 40));

    private SizeParser() {
    }

    static long parse(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("-")) {
            throw new IllegalArgumentException("must not be negative");
        }
        Matcher m = SIZE.matcher(trimmed);
        if (!m.matches()) {
            throw new IllegalArgumentException("must be " + FORMAT);
        }
        String unitText = m.group(2);
        Long unit = unitText.isEmpty() ? Long.valueOf(1) : UNITS.get(unitText.toLowerCase(Locale.ROOT));
        if (unit == null) {
            throw new IllegalArgumentException("has the unknown unit \"" + unitText + "\"; use " + UNITS_TEXT);
        }
        if (unitText.isEmpty() && m.group(1).contains(".")) {
            throw new IllegalArgumentException("must be a whole number of bytes, or use a unit such as 1.5GiB");
        }
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit))
                .setScale(0, RoundingMode.DOWN);
        try {
            return bytes.longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("is too large");
        }
    }
}
