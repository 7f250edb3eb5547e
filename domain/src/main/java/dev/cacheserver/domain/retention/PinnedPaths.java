package dev.cacheserver.domain.retention;

import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.upload.Pin;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which store paths the pins of a cache keep at a given time. Each {@code cachix pin} call adds a revision of
 * a named pin: {@code --keep-forever} keeps its path forever, {@code --keep-days N} for N days after the
 * revision was made, {@code --keep-revisions N} while it is among the N newest revisions of that name; a pin
 * without a keep flag keeps its path while it is the newest revision of its name.
 */
public final class PinnedPaths {
    private PinnedPaths() {
    }

    public static Set<StorePathHash> at(List<Pin> pins, Instant now) {
        Map<String, List<Pin>> byName = new LinkedHashMap<>();
        for (Pin pin : pins) {
            byName.computeIfAbsent(pin.name(), n -> new ArrayList<>()).add(pin);
        }
        Set<StorePathHash> kept = new HashSet<>();
        for (List<Pin> revisions : byName.values()) {
            revisions.sort(Comparator.comparing(Pin::createdAt).reversed());
            for (int age = 0; age < revisions.size(); age++) {
                Pin pin = revisions.get(age);
                if (keeps(pin, age, now)) {
                    kept.add(pin.storePath().hash());
                }
            }
        }
        return kept;
    }

    private static boolean keeps(Pin pin, int newerRevisions, Instant now) {
        Pin.Keep keep = pin.keep();
        return switch (keep.kind()) {
            case FOREVER -> true;
            case DAYS -> pin.createdAt().plus(Duration.ofDays(keep.amount())).isAfter(now);
            case REVISIONS -> newerRevisions < keep.amount();
            case NONE -> newerRevisions == 0;
        };
    }
}
