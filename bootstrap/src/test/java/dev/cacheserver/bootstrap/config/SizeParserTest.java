package dev.cacheserver.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SizeParserTest {
    @ParameterizedTest
    @CsvSource({
        "1024, 1024",
        "10B, 10",
        "10MB, 10000000",
        "10mb, 10000000",
        "500GiB, 536870912000",
        "'500 GiB', 536870912000",
        "1KB, 1000",
        "1KiB, 1024",
        "2TB, 2000000000000",
        "2TiB, 2199023255552",
        "1.5GiB, 1610612736",
        "0.5KB, 500",
        "200G, 214748364800",
        "10k, 10240"
    })
    void parsesDecimalAndBinaryUnits(String text, long bytes) {
        assertEquals(bytes, SizeParser.parse(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "12XB     | has the unknown unit \"XB\"",
        "12 bytes | has the unknown unit \"bytes\"",
        "-5GB     | must not be negative",
        "1.5      | must be a whole number of bytes",
        "GB       | must be a size",
        "''       | must be a size",
        "99999999TiB | is too large"
    })
    void rejectsWithAReadableProblem(String text, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SizeParser.parse(text));
        assertTrue(e.getMessage().startsWith(problem), e.getMessage());
    }
}
