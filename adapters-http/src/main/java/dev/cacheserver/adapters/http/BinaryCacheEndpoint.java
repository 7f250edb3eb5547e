package dev.cacheserver.adapters.http;

import dev.cacheserver.adapters.http.ops.HttpOperations;
import dev.cacheserver.application.AccessPolicy;
import dev.cacheserver.application.CacheProfile;
import dev.cacheserver.application.GetNarInfoUseCase;
import dev.cacheserver.application.LocateNarUseCase;
import dev.cacheserver.application.PublishNarInfoUseCase;
import dev.cacheserver.application.port.in.IngestNar;
import dev.cacheserver.application.port.in.UploadNarParts;

/**
 * Everything one cache's HTTP server needs: the cache, its use cases, the access policy, and where to listen.
 * {@code maxNarBytes} bounds one NAR upload. {@code peers} (null: none) serves misses from cluster peers.
 * {@code partUploads} (null: none) receives the Cachix upload URLs' part PUTs on this port.
 * {@code operations}: request metrics, the access log and the readiness probe ({@link HttpOperations#NONE}: none).
 * {@code protocolFiles} (null: none) serves build logs, NAR listings and realisations.
 * {@code upstreams} (null: none) serves misses from upstream caches, before {@code peers}.
 */
public record BinaryCacheEndpoint(CacheProfile cache, GetNarInfoUseCase narInfos, PublishNarInfoUseCase publisher,
                                  IngestNar uploads, LocateNarUseCase nars, AccessPolicy access,
                                  String host, int port, long maxNarBytes, PeerFallback peers,
                                  UploadNarParts partUploads, HttpOperations operations,
                                  ProtocolFiles protocolFiles, UpstreamFallback upstreams) {

    public BinaryCacheEndpoint(CacheProfile cache, GetNarInfoUseCase narInfos, PublishNarInfoUseCase publisher,
                               IngestNar uploads, LocateNarUseCase nars, AccessPolicy access,
                               String host, int port, long maxNarBytes) {
        this(cache, narInfos, publisher, uploads, nars, access, host, port, maxNarBytes, null, null,
                HttpOperations.NONE, null, null);
    }

    /** The same endpoint with misses served from cluster peers. */
    public BinaryCacheEndpoint withPeers(PeerFallback fallback) {
        return new BinaryCacheEndpoint(cache, narInfos, publisher, uploads, nars, access, host, port, maxNarBytes,
                fallback, partUploads, operations, protocolFiles, upstreams);
    }

    /** The same endpoint also receiving Cachix multipart part uploads. */
    public BinaryCacheEndpoint withPartUploads(UploadNarParts multipart) {
        return new BinaryCacheEndpoint(cache, narInfos, publisher, uploads, nars, access, host, port, maxNarBytes,
                peers, multipart, operations, protocolFiles, upstreams);
    }

    /** The same endpoint with metrics, access log and readiness. */
    public BinaryCacheEndpoint withOperations(HttpOperations ops) {
        return new BinaryCacheEndpoint(cache, narInfos, publisher, uploads, nars, access, host, port, maxNarBytes,
                peers, partUploads, ops, protocolFiles, upstreams);
    }

    /** The same endpoint also serving build logs, NAR listings and realisations. */
    public BinaryCacheEndpoint withProtocolFiles(ProtocolFiles files) {
        return new BinaryCacheEndpoint(cache, narInfos, publisher, uploads, nars, access, host, port, maxNarBytes,
                peers, partUploads, operations, files, upstreams);
    }

    /** The same endpoint with misses served from upstream caches (before cluster peers). */
    public BinaryCacheEndpoint withUpstreams(UpstreamFallback fallback) {
        return new BinaryCacheEndpoint(cache, narInfos, publisher, uploads, nars, access, host, port, maxNarBytes,
                peers, partUploads, operations, protocolFiles, fallback);
    }
}
