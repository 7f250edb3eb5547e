package dev.cacheserver.domain.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.upload.Pin;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PinnedPathsTest {
    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    static final CacheName MAIN = new CacheName("main");

    static Pin pin(String name, char path, Pin.Keep.Kind kind, long amount, Duration age) {
        return new Pin(MAIN, name, StorePath.parse(String.valueOf(path).repeat(32) + "-x"), List.of(),
                new Pin.Keep(kind, amount), NOW.minus(age));
    }

    static StorePathHash h(char c) {
        return new StorePathHash(String.valueOf(c).repeat(32));
    }

    @Test
    void eachKeepRuleKeepsWhatItSays() {
        List<Pin> pins = List.of(
                pin("forever", 'a', Pin.Keep.Kind.FOREVER, 0, Duration.ofDays(999)),
                pin("days", 'b', Pin.Keep.Kind.DAYS, 7, Duration.ofDays(3)),
                pin("days-old", 'c', Pin.Keep.Kind.DAYS, 7, Duration.ofDays(8)),
                pin("revs", 'd', Pin.Keep.Kind.REVISIONS, 2, Duration.ofDays(3)),
                pin("revs", 'f', Pin.Keep.Kind.REVISIONS, 2, Duration.ofDays(2)),
                pin("revs", 'g', Pin.Keep.Kind.REVISIONS, 2, Duration.ofDays(1)),
                pin("plain", 'h', Pin.Keep.Kind.NONE, 0, Duration.ofDays(5)),
                pin("plain", 'i', Pin.Keep.Kind.NONE, 0, Duration.ofDays(4)));
        assertEquals(Set.of(h('a'), h('b'), h('f'), h('g'), h('i')), PinnedPaths.at(pins, NOW));
    }
}
