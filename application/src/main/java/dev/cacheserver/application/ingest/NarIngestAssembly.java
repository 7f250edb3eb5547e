package dev.cacheserver.application.ingest;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.port.in.IngestNar;
import dev.cacheserver.domain.port.NarStore;

/** Builds the NAR ingest of one cache for bootstrap: the one sequence and its Nix protocol entrance. */
public final class NarIngestAssembly {
    private NarIngestAssembly() {
    }

    /** {@code digests} (null: none) keeps content digests made while NARs arrive; {@code maxNarBytes} bounds one NAR. */
    public static IngestNar nixUploads(CacheProfile cache, AccessPolicy access, NarStore store,
                                       UploadedNarDigests digests, long maxNarBytes) {
        return new NixNarUploads(cache, access, new NarIngestion(store, digests), maxNarBytes);
    }
}
