package dev.cacheserver.adapters.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.error.PayloadTooLargeException;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.storage.Capacity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The free-space probe against a fake filesystem: what min-free sees, and which declared sizes are refused. */
class FreeSpaceProbeTest {
    private static final Capacity MIN_FREE = new Capacity(OptionalLong.empty(), OptionalLong.of(1000));

    private static StorageGroupNarStore.Member local(String name, Capacity capacity) {
        return new StorageGroupNarStore.Member(name, "local", null, capacity, 0, Optional.of(Path.of("/srv", name)));
    }

    private static StorageGroupNarStore.Member s3(String name) {
        return new StorageGroupNarStore.Member(name, "s3", null, Capacity.UNLIMITED, 0, Optional.empty());
    }

    private static FreeSpaceProbe probe(Map<String, Long> free, StorageGroupNarStore.Member... members) {
        return new FreeSpaceProbe(new CacheName("main"), new GroupMembers(List.of(members)), dir -> {
            Long bytes = free.get(dir.getFileName().toString());
            if (bytes == null) {
                throw new IOException("statfs failed");
            }
            return bytes;
        });
    }

    @Test
    void minFreeMeasuresOnlyTheLocalStoragesThatSetIt() {
        FreeSpaceProbe probe = probe(Map.of("a", 5000L, "b", 7000L), local("a", MIN_FREE),
                local("b", Capacity.UNLIMITED), s3("c"));

        assertArrayEquals(new OptionalLong[] {OptionalLong.of(5000), OptionalLong.empty(), OptionalLong.empty()},
                probe.forMinFree());
    }

    @Test
    void anUnmeasurableStorageCountsAsUnknownNotAsFull() {
        FreeSpaceProbe probe = probe(Map.of(), local("a", MIN_FREE));

        assertEquals(OptionalLong.empty(), probe.forMinFree()[0]);
        assertEquals(OptionalLong.empty(), probe.largest());
        probe.admit(Long.MAX_VALUE);
    }

    @Test
    void aSizeLargerThanTheRoomiestStorageIsRefusedWithBothNumbers() {
        FreeSpaceProbe probe = probe(Map.of("a", 5000L, "b", 9000L), local("a", MIN_FREE), local("b", MIN_FREE));

        assertEquals(OptionalLong.of(9000), probe.largest());
        probe.admit(9000);
        PayloadTooLargeException refused = assertThrows(PayloadTooLargeException.class, () -> probe.admit(9001));
        assertTrue(refused.getMessage().contains("a NAR of 9001 bytes"), refused.getMessage());
        assertTrue(refused.getMessage().contains("at most 9000 bytes free"), refused.getMessage());
    }

    @Test
    void aGroupWithAnS3StorageHasNoBoundToCheck() {
        FreeSpaceProbe probe = probe(Map.of("a", 10L), local("a", MIN_FREE), s3("c"));

        assertFalse(probe.allLocal());
        assertEquals(OptionalLong.empty(), probe.largest());
        assertTrue(probe(Map.of("a", 10L), local("a", MIN_FREE)).allLocal());
    }
}
