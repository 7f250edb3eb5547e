package dev.cacheserver.bootstrap.config;

import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Readers for the value kinds that need more than a YAML type: retention periods, intervals, sizes, paths and
 * URLs. Each takes a present {@link YamlNode} and returns the value or throws a {@link ConfigException}.
 */
final class ConfigValues {
    static final String RETENTION_FORMAT = "a whole number of days, 0 or \"forever\" to keep forever, or "
            + DurationParser.FORMAT;

    private ConfigValues() {
    }

    /**
     * A retention period. A bare integer is days (the original's unit); {@code 0}, {@code 0d} or {@code forever}
     * mean keep forever (empty). The original turned 0 into "already expired", which deletes everything: not kept.
     */
    static Optional<Duration> retention(YamlNode node) {
        Duration period;
        if (node.isScalarWithTag(Tag.INT)) {
            BigInteger days = node.bigInteger();
            if (days.signum() < 0) {
                throw node.fail("must not be negative; use 0 or \"forever\" to keep paths forever");
            }
            if (days.bitLength() > 31) {
                throw node.fail("is too long");
            }
            period = Duration.ofDays(days.longValue());
        } else if (node.isScalarWithTag(Tag.STR)) {
            if (node.string().strip().equals("forever")) {
                return Optional.empty();
            }
            period = node.parse(text -> {
                try {
                    return DurationParser.parse(text);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(e.getMessage().startsWith("must be ")
                            ? "must be " + RETENTION_FORMAT : e.getMessage());
                }
            });
        } else {
            throw node.fail("must be " + RETENTION_FORMAT);
        }
        return period.isZero() ? Optional.empty() : Optional.of(period);
    }

    /** A positive interval that must carry a unit: {@code 1h}, {@code 30m}. A bare number is refused as ambiguous. */
    static Duration interval(YamlNode node) {
        if (node.isScalarWithTag(Tag.INT) || node.isScalarWithTag(Tag.FLOAT)) {
            throw node.fail("needs a unit, e.g. 30m, 1h or 12h (a bare number is ambiguous)");
        }
        Duration interval = node.parse(DurationParser::parse);
        if (interval.isZero()) {
            throw node.fail("must be longer than zero");
        }
        return interval;
    }

    /** A byte size: a YAML integer is bytes, a string may carry a unit ({@link SizeParser}); at least {@code min}. */
    static OptionalLong size(YamlNode node, long min) {
        if (!node.isPresent()) {
            return OptionalLong.empty();
        }
        long bytes;
        if (node.isScalarWithTag(Tag.INT)) {
            BigInteger value = node.bigInteger();
            if (value.signum() < 0) {
                throw node.fail("must not be negative");
            }
            if (value.bitLength() > 63) {
                throw node.fail("is too large");
            }
            bytes = value.longValue();
        } else if (node.isScalarWithTag(Tag.STR)) {
            bytes = node.parse(SizeParser::parse);
        } else {
            throw node.fail("must be " + SizeParser.FORMAT, SizeParser.UNITS_TEXT);
        }
        if (bytes < min) {
            throw node.fail(min == 1 ? "must be larger than zero" : "must be at least " + min + " bytes");
        }
        return OptionalLong.of(bytes);
    }

    /** A filesystem path: {@code ~} expands to HOME, a relative path is relative to the config file's directory. */
    static Path path(YamlNode node) {
        ConfigContext ctx = node.context();
        return node.parse(ctx::resolvePath);
    }

    /** An http(s) URL ({@link HttpUrls}); a URL with credentials in it is refused without being echoed back. */
    static URI url(YamlNode node) {
        String text = node.string();
        if (text.contains("@")) {
            throw node.failWithoutValue("must not contain user:password@ (value not shown); "
                    + "configure credentials with their own keys");
        }
        return node.parse(HttpUrls::parse);
    }
}
