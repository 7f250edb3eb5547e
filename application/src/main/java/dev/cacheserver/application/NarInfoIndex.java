package dev.cacheserver.application;

import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.narinfo.NarInfoText;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hot-path copy of a cache's narinfos: each entry holds the record and its rendered, signed bytes, so
 * serving a narinfo is one map lookup with no SQL and no signing. Written through by publishes.
 */
final class NarInfoIndex {
    private final ConcurrentHashMap<StorePathHash, Entry> entries = new ConcurrentHashMap<>();

    record Entry(NarInfo info, byte[] rendered) {
    }

    void put(NarInfo info) {
        entries.put(info.storePath().hash(), new Entry(info, NarInfoText.render(info).getBytes(StandardCharsets.UTF_8)));
    }

    Optional<Entry> get(StorePathHash hash) {
        return Optional.ofNullable(entries.get(hash));
    }

    void remove(StorePathHash hash) {
        entries.remove(hash);
    }

    Set<StorePathHash> hashes() {
        return Set.copyOf(entries.keySet());
    }

    int size() {
        return entries.size();
    }
}
