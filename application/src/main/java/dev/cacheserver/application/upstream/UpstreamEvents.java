package dev.cacheserver.application.upstream;

import dev.cacheserver.domain.model.StorePathHash;
import java.net.URI;

/** What operators should hear about upstreams (logged by bootstrap). Must not block. */
public interface UpstreamEvents {
    /** A narinfo was dropped: bad or missing signature, malformed, or for another path. */
    void rejected(URI upstream, StorePathHash hash, String reason);

    /** The upstream failed or timed out; it is skipped for the back-off period. */
    void failed(URI upstream, String reason);

    /** A path pulled from {@code upstream} is now kept in this cache. */
    void kept(URI upstream, StorePathHash hash);

    UpstreamEvents NONE = new UpstreamEvents() {
        @Override
        public void rejected(URI upstream, StorePathHash hash, String reason) {
        }

        @Override
        public void failed(URI upstream, String reason) {
        }

        @Override
        public void kept(URI upstream, StorePathHash hash) {
        }
    };
}
