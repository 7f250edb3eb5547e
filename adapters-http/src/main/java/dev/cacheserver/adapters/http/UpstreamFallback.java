package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.ServeFromUpstreams;
import dev.cacheserver.domain.model.NarFile;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A cache's route to its upstreams: the use case that finds and verifies, the client that streams NARs, and the
 * NAR downloads in progress, shared by every event loop of the cache so that one NAR is downloaded once however
 * many clients ask for it at the same time (single flight); the others follow it as it is written. A download is
 * done once the NAR is stored and its narinfo published here; its entry goes when it ends, whatever the outcome.
 */
public record UpstreamFallback(ServeFromUpstreams useCase, NarDownloads client,
                               ConcurrentHashMap<NarFile, SpoolingDownload> downloads) {

    public UpstreamFallback(ServeFromUpstreams useCase, NarDownloads client) {
        this(useCase, client, new ConcurrentHashMap<>());
    }
}
