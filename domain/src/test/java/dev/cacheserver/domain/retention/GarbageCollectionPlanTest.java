package dev.cacheserver.domain.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.model.StorePathHash;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Expiry decisions with a fixed clock: access-based, closure-safe, pin-aware, order-independent. */
class GarbageCollectionPlanTest {
    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    static final RetentionPolicy ONE_DAY = RetentionPolicy.of(Duration.ofDays(1));

    static StorePathHash h(char c) {
        return new StorePathHash(String.valueOf(c).repeat(32));
    }

    static PathUsage path(char c, Duration ago, char... refs) {
        Set<StorePathHash> r = new java.util.HashSet<>();
        for (char ref : refs) {
            r.add(h(ref));
        }
        return new PathUsage(h(c), r, NOW.minus(ago));
    }

    @Test
    void policyIsAccessBasedAndZeroMeansForever() {
        assertTrue(ONE_DAY.isExpired(NOW.minus(Duration.ofDays(2)), NOW));
        assertFalse(ONE_DAY.isExpired(NOW.minus(Duration.ofHours(23)), NOW));
        assertTrue(ONE_DAY.isExpired(NOW.minus(Duration.ofDays(1)), NOW), "exactly at the window's end");
        assertFalse(RetentionPolicy.of(Duration.ZERO).isExpired(Instant.EPOCH, NOW));
        assertFalse(RetentionPolicy.FOREVER.isExpired(Instant.EPOCH, NOW));
        assertEquals(Optional.empty(), RetentionPolicy.FOREVER.cutoff(NOW));
    }

    @Test
    void deletesOnlyExpiredPathsNobodyKeptNeeds() {
        List<PathUsage> paths = List.of(
                path('a', Duration.ofHours(1), 'b'),        // fresh, references b
                path('b', Duration.ofDays(10), 'c'),        // expired but referenced by a
                path('c', Duration.ofDays(10)),             // expired, referenced by b (transitively by a)
                path('d', Duration.ofDays(10), 'c'),        // expired, nobody references it
                path('f', Duration.ofDays(3)));             // expired
        GarbageCollectionPlan plan = GarbageCollectionPlan.decide(paths, Set.of(), ONE_DAY, NOW);
        assertEquals(Set.of(h('d'), h('f')), plan.toDelete());
        assertTrue(plan.keeps(h('c')), "a chain of expired paths under a kept path is kept whole");
    }

    @Test
    void pinsKeepTheirClosure() {
        List<PathUsage> paths = List.of(path('a', Duration.ofDays(9), 'b'), path('b', Duration.ofDays(9)),
                path('c', Duration.ofDays(9)));
        GarbageCollectionPlan plan = GarbageCollectionPlan.decide(paths, Set.of(h('a')), ONE_DAY, NOW);
        assertEquals(Set.of(h('c')), plan.toDelete());
    }

    @Test
    void keepForeverDeletesNothingAndCyclesTerminate() {
        List<PathUsage> paths = List.of(path('a', Duration.ofDays(900), 'b'), path('b', Duration.ofDays(900), 'a'));
        assertTrue(GarbageCollectionPlan.decide(paths, Set.of(), RetentionPolicy.FOREVER, NOW).toDelete().isEmpty());
        assertEquals(Set.of(h('a'), h('b')), GarbageCollectionPlan.decide(paths, Set.of(), ONE_DAY, NOW).toDelete());
    }

    @Test
    void theDecisionDoesNotDependOnOrder() {
        List<PathUsage> paths = new ArrayList<>();
        String alphabet = "0123456789abcdfghijklmnpqrsvwxyz";
        Random random = new Random(3);
        for (int i = 0; i < 32; i++) {
            char[] refs = new char[random.nextInt(3)];
            for (int r = 0; r < refs.length; r++) {
                refs[r] = alphabet.charAt(random.nextInt(32));
            }
            paths.add(path(alphabet.charAt(i), Duration.ofHours(random.nextInt(60)), refs));
        }
        Set<StorePathHash> first = GarbageCollectionPlan.decide(paths, Set.of(), ONE_DAY, NOW).toDelete();
        for (int round = 0; round < 20; round++) {
            Collections.shuffle(paths, random);
            assertEquals(first, GarbageCollectionPlan.decide(paths, Set.of(), ONE_DAY, NOW).toDelete());
        }
        for (StorePathHash deleted : first) {
            for (PathUsage p : paths) {
                if (!first.contains(p.hash())) {
                    assertFalse(p.references().contains(deleted), "a kept path never loses a reference");
                }
            }
        }
    }
}
