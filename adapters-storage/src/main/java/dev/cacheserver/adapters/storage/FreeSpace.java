package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.error.PayloadTooLargeException;
import dev.cacheserver.domain.model.CacheName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/** The free space of a group's local storages, to refuse at once a NAR that fits on none of them. */
final class FreeSpace {
    private FreeSpace() {
    }

    /** Blocking: the most free bytes of any local storage's filesystem; empty when one cannot be measured. */
    static OptionalLong largest(List<StorageGroupNarStore.Member> members) {
        long largest = 0;
        for (StorageGroupNarStore.Member m : members) {
            Path root = m.localRoot().orElse(null);
            if (root == null) {
                return OptionalLong.empty();
            }
            try {
                largest = Math.max(largest, Files.getFileStore(root).getUsableSpace());
            } catch (IOException | RuntimeException e) {
                // Unmeasurable: let the upload try, the write itself reports a full disk (507).
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(largest);
    }

    static void admit(CacheName cache, long bytes, OptionalLong largest) {
        if (largest.isPresent() && bytes > largest.getAsLong()) {
            throw new PayloadTooLargeException("a NAR of " + bytes + " bytes is larger than the free space of every "
                    + "storage of cache " + cache + " (at most " + largest.getAsLong() + " bytes free)");
        }
    }
}
