package dev.cacheserver.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationParserTest {
    @ParameterizedTest
    @CsvSource({
        "90s, PT1M30S",
        "30m, PT30M",
        "12h, PT12H",
        "7d, PT168H",
        "2w, PT336H",
        "1h30m, PT1H30M",
        "'1h 30m', PT1H30M",
        "'  45m ', PT45M",
        "0s, PT0S",
        "1d12h, PT36H"
    })
    void parsesUnitsAndCombinations(String text, String expected) {
        assertEquals(Duration.parse(expected), DurationParser.parse(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "12x     | has the unknown unit \"x\"",
        "12H     | has the unknown unit \"H\"",
        "30ms    | has the unknown unit \"ms\"",
        "-5d     | must not be negative",
        "1.5h    | must be a duration",
        "h       | must be a duration",
        "10      | must be a duration",
        "''      | must be a duration",
        "99999999999999999999d | is too long"
    })
    void rejectsWithAReadableProblem(String text, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DurationParser.parse(text));
        assertTrue(e.getMessage().startsWith(problem), e.getMessage());
    }
}
