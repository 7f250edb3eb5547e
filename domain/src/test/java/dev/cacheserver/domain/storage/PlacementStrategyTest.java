package dev.cacheserver.domain.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The decisions of every placement strategy, replayed over many NARs without any storage behind them. */
class PlacementStrategyTest {

    static StorageStatus s(String name, long bytes, long objects) {
        return new StorageStatus(name, bytes, objects, 0, true);
    }

    static StorageStatus full(String name) {
        return new StorageStatus(name, 0, 0, 0, false);
    }

    static List<String> names(List<StorageStatus> order) {
        return order.stream().map(StorageStatus::name).toList();
    }

    /** Places {@code count} NARs of the given sizes one after another, as the storage group would. */
    static Map<String, Integer> simulate(PlacementStrategy strategy, List<StorageStatus> initial, int count,
                                         java.util.function.IntToLongFunction size) {
        List<StorageStatus> storages = new ArrayList<>(initial);
        Map<String, Integer> landed = new HashMap<>();
        Optional<String> last = Optional.empty();
        for (int n = 0; n < count; n++) {
            StorageStatus chosen = strategy.preference(storages, last).get(0);
            int i = storages.indexOf(chosen);
            storages.set(i, new StorageStatus(chosen.name(), chosen.usedBytes() + size.applyAsLong(n),
                    chosen.objects() + 1, chosen.splitPercent(), chosen.accepting()));
            landed.merge(chosen.name(), 1, Integer::sum);
            last = Optional.of(chosen.name());
        }
        return landed;
    }

    @Test
    void roundRobinCyclesInConfigurationOrder() {
        List<StorageStatus> three = List.of(s("a", 0, 0), s("b", 0, 0), s("c", 0, 0));
        RoundRobin rr = new RoundRobin();

        assertEquals(List.of("a", "b", "c"), names(rr.preference(three, Optional.empty())));
        assertEquals(List.of("b", "c", "a"), names(rr.preference(three, Optional.of("a"))));
        assertEquals(List.of("a", "b", "c"), names(rr.preference(three, Optional.of("c"))));
        assertEquals(Map.of("a", 4, "b", 3, "c", 3), simulate(rr, three, 10, n -> 100));
    }

    @Test
    void roundRobinSkipsAFullStorageAndRestartsWhenTheLastOneIsGone() {
        List<StorageStatus> storages = List.of(s("a", 0, 0), full("b"), s("c", 0, 0));
        RoundRobin rr = new RoundRobin();

        assertEquals(List.of("c", "a"), names(rr.preference(storages, Optional.of("a"))));
        // A storage removed from the config: start from the first again.
        assertEquals(List.of("a", "c"), names(rr.preference(storages, Optional.of("removed"))));
    }

    @Test
    void inOrderFillsTheFirstStorageUntilItIsFull() {
        InOrder inOrder = new InOrder();

        assertEquals(List.of("a", "b"), names(inOrder.preference(List.of(s("a", 900, 9), s("b", 0, 0)), Optional.of("b"))));
        assertEquals(List.of("b"), names(inOrder.preference(List.of(full("a"), s("b", 0, 0)), Optional.empty())));
        assertEquals(List.of(), inOrder.preference(List.of(full("a"), full("b")), Optional.empty()));
    }

    @Test
    void splitLandsWithinThreePointsOfEveryShareOverAThousandNars() {
        List<StorageStatus> storages = List.of(new StorageStatus("a", 0, 0, 70, true),
                new StorageStatus("b", 0, 0, 20, true), new StorageStatus("c", 0, 0, 10, true));

        Map<String, Integer> landed = simulate(new Split(), storages, 1000, n -> 1000 + (n * 7919L) % 50_000);

        assertEquals(Map.of("a", 700, "b", 200, "c", 100), landed);
    }

    @Test
    void splitStaysExactAtEveryStepForUnevenShares() {
        List<StorageStatus> storages = List.of(new StorageStatus("a", 0, 0, 33, true),
                new StorageStatus("b", 0, 0, 67, true));
        for (int count : new int[] {1, 2, 3, 10, 97, 1000, 1001}) {
            Map<String, Integer> landed = simulate(new Split(), storages, count, n -> 1);
            double shareA = 100.0 * landed.getOrDefault("a", 0) / count;
            assertTrue(Math.abs(shareA - 33) <= 100.0 / count + 1e-9, count + " NARs: a got " + shareA + "%");
        }
    }

    @Test
    void splitNeverPicksAZeroShareAndFallsBackByDeficit() {
        List<StorageStatus> storages = List.of(new StorageStatus("a", 0, 10, 50, true),
                new StorageStatus("b", 0, 0, 50, true), new StorageStatus("c", 0, 0, 0, true));

        assertEquals(List.of("b", "a"), names(new Split().preference(storages, Optional.empty())));
    }

    @Test
    void splitContinuesFromExistingContent() {
        // 30 files already in a, none in b: b catches up first.
        List<StorageStatus> storages = List.of(new StorageStatus("a", 0, 30, 50, true),
                new StorageStatus("b", 0, 0, 50, true));

        Map<String, Integer> landed = simulate(new Split(), storages, 40, n -> 1);

        assertEquals(Map.of("a", 5, "b", 35), landed);
    }

    @Test
    void leastUsedPicksTheStorageWithTheFewestBytes() {
        LeastUsed leastUsed = new LeastUsed();

        assertEquals(List.of("b", "c", "a"), names(leastUsed.preference(
                List.of(s("a", 500, 1), s("b", 100, 9), s("c", 200, 1)), Optional.empty())));
        assertEquals(List.of("a", "b"), names(leastUsed.preference(List.of(s("a", 5, 0), s("b", 5, 0)), Optional.of("a"))));
        assertEquals(List.of("c"), names(leastUsed.preference(List.of(full("a"), s("c", 900, 9)), Optional.empty())));
    }

    @Test
    void leastUsedBalancesBytesNotFiles() {
        // Every third NAR is big: bytes even out, file counts do not.
        Map<String, Integer> landed = simulate(new LeastUsed(), List.of(s("a", 0, 0), s("b", 0, 0)), 300,
                n -> n % 3 == 0 ? 10_000 : 100);

        assertEquals(300, landed.get("a") + landed.get("b"));
        assertTrue(Math.abs(landed.get("a") - landed.get("b")) < 150, landed.toString());
    }

    @Test
    void strategiesAreFoundByTheirConfigNames() {
        assertInstanceOf(RoundRobin.class, PlacementStrategy.named("round-robin"));
        assertInstanceOf(InOrder.class, PlacementStrategy.named("in-order"));
        assertInstanceOf(Split.class, PlacementStrategy.named("split"));
        assertInstanceOf(LeastUsed.class, PlacementStrategy.named("least-used"));
        assertThrows(IllegalArgumentException.class, () -> PlacementStrategy.named("random"));
    }

    @Test
    void capacityHonoursMaxSizeAndMinFree() {
        Capacity max = new Capacity(OptionalLong.of(1000), OptionalLong.empty());
        Capacity free = new Capacity(OptionalLong.empty(), OptionalLong.of(500));

        assertTrue(max.fits(900, 100, OptionalLong.empty()));
        assertEquals(false, max.fits(901, 100, OptionalLong.empty()));
        assertTrue(free.fits(0, 100, OptionalLong.of(600)));
        assertEquals(false, free.fits(0, 101, OptionalLong.of(600)));
        assertTrue(free.fits(0, 10_000, OptionalLong.empty()), "unmeasurable free space never makes it full");
        assertTrue(Capacity.UNLIMITED.fits(Long.MAX_VALUE / 2, 1, OptionalLong.of(0)));
        assertTrue(max.exhausted(1000, OptionalLong.empty()));
    }
}
