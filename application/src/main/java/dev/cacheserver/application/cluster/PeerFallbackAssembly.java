package dev.cacheserver.application.cluster;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.ingest.NarIngestion;
import dev.cacheserver.application.port.in.ServeFromPeers;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.PeerClient;
import dev.cacheserver.domain.port.PeerDirectory;
import java.net.URI;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** Builds the peer fallback of one cache for bootstrap. */
public final class PeerFallbackAssembly {
    private PeerFallbackAssembly() {
    }

    /**
     * {@code ownUrls}: the public URLs of every cache on this server, never asked as peers. Pulled NARs go through
     * {@code ingestion}; {@code publisher} then publishes their narinfo (with its NarHash check).
     */
    public static ServeFromPeers serveFromPeers(CacheProfile cache, PeerDirectory directory, PeerClient client,
                                                TrustedKeys trusted, Set<URI> ownUrls, PeerSettings settings,
                                                NarIngestion ingestion,
                                                Function<NarInfo, CompletionStage<NarInfo>> publisher,
                                                PeerEvents events, Clock clock) {
        return new PeerNarInfoService(cache, directory, client, trusted, ownUrls, settings, ingestion, publisher,
                events, clock);
    }
}
