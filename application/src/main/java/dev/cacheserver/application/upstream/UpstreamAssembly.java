package dev.cacheserver.application.upstream;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.ingest.NarIngestion;
import dev.cacheserver.application.port.in.ServeFromUpstreams;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.UpstreamClient;
import java.time.Clock;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** Builds the upstream pull-through of one cache for bootstrap. */
public final class UpstreamAssembly {
    private UpstreamAssembly() {
    }

    /** Pulled NARs go through {@code ingestion}; {@code publisher} then publishes their narinfo (NarHash checked). */
    public static ServeFromUpstreams serveFromUpstreams(CacheProfile cache, UpstreamClient client,
                                                        UpstreamSettings settings, NarIngestion ingestion,
                                                        Function<NarInfo, CompletionStage<NarInfo>> publisher,
                                                        UpstreamEvents events, Clock clock) {
        return new UpstreamNarInfoService(cache, client, settings, ingestion, publisher, events, clock);
    }
}
