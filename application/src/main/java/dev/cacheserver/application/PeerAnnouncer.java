package dev.cacheserver.application;

import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.PeerDirectory;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Tells the cluster which paths this server's public caches hold: every path at start, each new path when it is
 * published, and withdraws deleted ones. Private caches are never announced. The record announced is the cache's
 * public URL, name and public key only.
 */
public final class PeerAnnouncer {
    private final PeerDirectory directory;

    public PeerAnnouncer(PeerDirectory directory) {
        this.directory = directory;
    }

    public static PeerDirectory.Provider provider(CacheProfile cache) {
        return new PeerDirectory.Provider(cache.publicUrl(), cache.name(), cache.signingKey().publicKey());
    }

    public CompletionStage<Void> announceAll(CacheProfile cache, Collection<StorePathHash> hashes) {
        if (!cache.isPublic() || hashes.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return directory.announce(provider(cache), List.copyOf(hashes));
    }

    public CompletionStage<Void> published(CacheProfile cache, NarInfo info) {
        return announceAll(cache, List.of(info.storePath().hash()));
    }

    public CompletionStage<Void> deleted(CacheProfile cache, StorePathHash hash) {
        if (!cache.isPublic()) {
            return CompletableFuture.completedFuture(null);
        }
        return directory.withdraw(provider(cache), List.of(hash));
    }

    /** A listener for {@link NarInfoService} that keeps {@code cache}'s announcements current. */
    public NarInfoService.Listener listenerFor(CacheProfile cache) {
        return new NarInfoService.Listener() {
            @Override
            public void published(NarInfo info) {
                PeerAnnouncer.this.published(cache, info);
            }

            @Override
            public void deleted(StorePathHash hash) {
                PeerAnnouncer.this.deleted(cache, hash);
            }
        };
    }
}
