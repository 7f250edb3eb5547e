package dev.cacheserver.adapters.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.storage.Capacity;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How long a failing or full storage stays aside, on a clock the test moves. */
class StorageHealthTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final StorageHealth health = new StorageHealth(new CacheName("main"), new GroupMembers(List.of(
            member("a"), member("b"))), now::get);

    private static StorageGroupNarStore.Member member(String name) {
        return new StorageGroupNarStore.Member(name, "local", null, Capacity.UNLIMITED, 0, Optional.empty());
    }

    private void advanceSeconds(long seconds) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    @Test
    void aFullStorageIsAsideForItsTimeThenTriedAgain() {
        health.markFull(1, new IllegalStateException("ENOSPC"));

        assertEquals(List.of("b"), health.outOfSpaceStorages());
        assertFalse(health.allOutOfSpace());
        advanceSeconds(StorageHealth.FULL_SECONDS - 1);
        assertTrue(health.outOfSpace(1));
        advanceSeconds(2);
        assertEquals(List.of(), health.outOfSpaceStorages());
    }

    @Test
    void aSuccessfulWriteEndsFullAtOnce() {
        health.markFull(0, new IllegalStateException("quota"));
        health.markFull(1, new IllegalStateException("quota"));
        assertTrue(health.allOutOfSpace());

        health.clearFull(0);

        assertFalse(health.outOfSpace(0));
        assertFalse(health.allOutOfSpace());
    }

    @Test
    void aFailingStorageIsMarkedForItsTimeAndIsNotFull() {
        health.markFailing(0, new IllegalStateException("connection refused"));

        assertTrue(health.failing(0));
        assertFalse(health.failing(1));
        assertFalse(health.outOfSpace(0), "failing is not full: it is tried last, not excluded");
        advanceSeconds(StorageHealth.FAILING_SECONDS + 1);
        assertFalse(health.failing(0));
    }
}
