package dev.cacheserver.application.replica;

import dev.cacheserver.application.narinfo.NarInfoListener;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.MetadataEvents;

/**
 * Keeps what replicas sharing one database serve from memory in step: every narinfo this replica publishes or
 * removes in a cache is announced to the others, and every change another replica announces for that cache
 * drops this replica's rendered narinfo and cached miss for the path, so a path pushed through one replica is
 * served by all of them at once and a removed one by none.
 */
public final class ReplicaNarInfoChanges {
    private ReplicaNarInfoChanges() {
    }

    /** Connects the narinfos of {@code cache} to the other replicas through {@code events}. */
    public static void connect(CacheName cache, NarInfoService narInfos, MetadataEvents events) {
        narInfos.addListener(new NarInfoListener() {
            @Override
            public void published(NarInfo info) {
                events.narInfoChanged(cache, info.storePath().hash());
            }

            @Override
            public void deleted(StorePathHash hash) {
                events.narInfoChanged(cache, hash);
            }
        });
        events.subscribe((changed, hash) -> {
            if (changed.equals(cache)) {
                narInfos.changedElsewhere(hash);
            }
        });
    }
}
