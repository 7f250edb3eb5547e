package dev.cacheserver.application.cluster;

import dev.cacheserver.domain.model.StorePathHash;
import java.net.URI;

/**
 * What the peer fallback reports for operators (bootstrap logs it): a peer's narinfo that was dropped because it
 * failed verification, and a peer that could not be asked. Called on any thread; must not block.
 */
public interface PeerEvents {
    PeerEvents NONE = new PeerEvents() {
    };

    default void rejected(URI peer, StorePathHash hash, String reason) {
    }

    default void unreachable(URI peer, String reason) {
    }

    default void pulledThrough(URI peer, StorePathHash hash) {
    }
}
