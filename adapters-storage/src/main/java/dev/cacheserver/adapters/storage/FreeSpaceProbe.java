package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.error.PayloadTooLargeException;
import dev.cacheserver.domain.model.CacheName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the free space of a group's local storages (one statfs each): for {@code min-free}, and to refuse at
 * once a NAR that fits on none of them. Every method blocks: call it on a worker.
 */
final class FreeSpaceProbe {
    // Under the name it always logged as: operators filter on it.
    private static final Logger LOG = LoggerFactory.getLogger(StorageGroupNarStore.class);

    /** The usable bytes of the filesystem holding a directory. */
    @FunctionalInterface
    interface UsableSpace {
        long of(Path directory) throws IOException;

        UsableSpace FILE_STORE = directory -> Files.getFileStore(directory).getUsableSpace();
    }

    private final CacheName cache;
    private final GroupMembers members;
    private final UsableSpace usable;

    FreeSpaceProbe(CacheName cache, GroupMembers members, UsableSpace usable) {
        this.cache = cache;
        this.members = members;
        this.usable = usable;
    }

    /** The free bytes of each local storage that sets min-free; empty for the others or when unmeasurable. */
    OptionalLong[] forMinFree() {
        OptionalLong[] free = new OptionalLong[members.size()];
        for (int i = 0; i < members.size(); i++) {
            StorageGroupNarStore.Member m = members.get(i);
            free[i] = OptionalLong.empty();
            if (m.localRoot().isPresent() && m.capacity().minFree().isPresent()) {
                try {
                    free[i] = OptionalLong.of(usable.of(m.localRoot().get()));
                } catch (IOException e) {
                    LOG.warn("cache {}: cannot measure free space of storage '{}': {}", cache, m.name(), e.toString());
                }
            }
        }
        return free;
    }

    /** True when every storage is local, so free space bounds what the group can take. */
    boolean allLocal() {
        return members.all().stream().allMatch(m -> m.localRoot().isPresent());
    }

    /** The most free bytes of any local storage's filesystem; empty when one is not local or cannot be measured. */
    OptionalLong largest() {
        long largest = 0;
        for (StorageGroupNarStore.Member m : members.all()) {
            Path root = m.localRoot().orElse(null);
            if (root == null) {
                return OptionalLong.empty();
            }
            try {
                largest = Math.max(largest, usable.of(root));
            } catch (IOException | RuntimeException e) {
                // Unmeasurable: let the upload try, the write itself reports a full disk (507).
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(largest);
    }

    /** Refuses {@code bytes} larger than {@link #largest()}; admits everything when that is unknown. */
    void admit(long bytes) {
        OptionalLong largest = largest();
        if (largest.isPresent() && bytes > largest.getAsLong()) {
            throw new PayloadTooLargeException("a NAR of " + bytes + " bytes is larger than the free space of every "
                    + "storage of cache " + cache + " (at most " + largest.getAsLong() + " bytes free)");
        }
    }
}
