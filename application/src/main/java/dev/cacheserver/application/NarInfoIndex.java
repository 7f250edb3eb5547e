package dev.cacheserver.application;

import dev.cacheserver.domain.model.NarFile;
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
    /** Which paths use each NAR file: a NAR read counts as an access, and a NAR in use is never deleted. */
    private final ConcurrentHashMap<NarFile, Set<StorePathHash>> byNar = new ConcurrentHashMap<>();

    record Entry(NarInfo info, byte[] rendered) {
    }

    void put(NarInfo info) {
        Entry old = entries.put(info.storePath().hash(),
                new Entry(info, NarInfoText.render(info).getBytes(StandardCharsets.UTF_8)));
        if (old != null && !old.info().narFile().equals(info.narFile())) {
            unlink(old.info().narFile(), info.storePath().hash());
        }
        byNar.computeIfAbsent(info.narFile(), f -> ConcurrentHashMap.newKeySet()).add(info.storePath().hash());
    }

    Optional<StorePathHash> pathOf(NarFile file) {
        Set<StorePathHash> users = byNar.get(file);
        return users == null ? Optional.empty() : users.stream().findFirst();
    }

    boolean isInUse(NarFile file) {
        Set<StorePathHash> users = byNar.get(file);
        return users != null && !users.isEmpty();
    }

    private void unlink(NarFile file, StorePathHash hash) {
        byNar.computeIfPresent(file, (f, users) -> {
            users.remove(hash);
            return users.isEmpty() ? null : users;
        });
    }

    Optional<Entry> get(StorePathHash hash) {
        return Optional.ofNullable(entries.get(hash));
    }

    Optional<NarInfo> remove(StorePathHash hash) {
        Entry old = entries.remove(hash);
        if (old == null) {
            return Optional.empty();
        }
        unlink(old.info().narFile(), hash);
        return Optional.of(old.info());
    }

    Set<StorePathHash> hashes() {
        return Set.copyOf(entries.keySet());
    }

    int size() {
        return entries.size();
    }
}
