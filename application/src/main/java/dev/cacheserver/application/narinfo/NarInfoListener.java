package dev.cacheserver.application.narinfo;

import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;

/** Told after a narinfo is published (saved and served) or removed; must not block (e.g. DHT announcements). */
public interface NarInfoListener {
    void published(NarInfo info);

    default void deleted(StorePathHash hash) {
    }
}
