package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.model.CacheName;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which storages of a group recently failed a write or ran out of space. A failing storage is tried last for
 * {@value #FAILING_SECONDS} s; a full one takes no new NAR for {@value #FULL_SECONDS} s (each new refusal starts
 * the time again), until a write there succeeds. Thread-safe.
 */
final class StorageHealth {
    // Under the name it always logged as: operators filter on it.
    private static final Logger LOG = LoggerFactory.getLogger(StorageGroupNarStore.class);
    static final long FAILING_SECONDS = 30;
    static final long FULL_SECONDS = 30;

    private final CacheName cache;
    private final GroupMembers members;
    private final LongSupplier nanoTime;
    /** Per storage: when its last failure stops moving it to the end (0: not failing). */
    private final long[] failingUntilNanos;
    /** Per storage: when its last lack of space stops excluding it (0: not full). */
    private final long[] fullUntilNanos;

    StorageHealth(CacheName cache, GroupMembers members, LongSupplier nanoTime) {
        this.cache = cache;
        this.members = members;
        this.nanoTime = nanoTime;
        this.failingUntilNanos = new long[members.size()];
        this.fullUntilNanos = new long[members.size()];
    }

    /** Excluded from placement: ran out of space less than {@value #FULL_SECONDS} s ago. */
    synchronized boolean outOfSpace(int member) {
        return fullUntilNanos[member] != 0 && nanoTime.getAsLong() - fullUntilNanos[member] < 0;
    }

    boolean allOutOfSpace() {
        for (int i = 0; i < members.size(); i++) {
            if (!outOfSpace(i)) {
                return false;
            }
        }
        return true;
    }

    /** The storages out of space now, by name. */
    List<String> outOfSpaceStorages() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            if (outOfSpace(i)) {
                names.add(members.name(i));
            }
        }
        return names;
    }

    void markFull(int member, Throwable cause) {
        LOG.warn("cache {}: storage '{}' is full ({}); no new NARs go there for {} s", cache, members.name(member),
                cause.getMessage(), FULL_SECONDS);
        synchronized (this) {
            fullUntilNanos[member] = nanoTime.getAsLong() + FULL_SECONDS * 1_000_000_000L;
        }
    }

    void clearFull(int member) {
        boolean was;
        synchronized (this) {
            was = fullUntilNanos[member] != 0;
            fullUntilNanos[member] = 0;
        }
        if (was) {
            LOG.info("cache {}: storage '{}' took a NAR again; no longer full", cache, members.name(member));
        }
    }

    synchronized boolean failing(int member) {
        return failingUntilNanos[member] != 0 && nanoTime.getAsLong() - failingUntilNanos[member] < 0;
    }

    void markFailing(int member, Throwable cause) {
        LOG.warn("cache {}: storage '{}' failed a write ({}); skipping it for {} s", cache, members.name(member),
                cause.getMessage(), FAILING_SECONDS);
        synchronized (this) {
            failingUntilNanos[member] = nanoTime.getAsLong() + FAILING_SECONDS * 1_000_000_000L;
        }
    }
}
